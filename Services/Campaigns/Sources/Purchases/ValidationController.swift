import Customers
import Foundation
import Hummingbird
import Ledger
import Postgres
import ServiceKit

/// CC-03 (admin) and CC-04 (customer): could the customer buy these campaign usages, without buying them.
///
/// Each entry is one usage, checked cumulatively: the n-th entry of a campaign is available when n usages fit in
/// what is left of it for the customer (global limit, per-customer limit, codes). `balancePointsAvailable` says
/// whether the balance plus `additionalPoints` covers every entry's cost together; `finalUsageLimitAvailable`
/// whether every entry is available.
struct ValidationController {
    func add(to group: RouterGroup<StoreContext>) {
        group.post("admin/customer/{customer}/campaign/validate", use: adminValidate)
        group.post("customer/campaign/validate", use: customerValidate)
    }

    struct Entry: Encodable {
        let rewardCampaignId: String
        let usageLimitAvailable: Bool
    }

    struct Result: Encodable {
        let campaigns: [Entry]
        let additionalPoints: Amount
        let finalUsageLimitAvailable: Bool
        let balancePointsAvailable: Bool
    }

    @Sendable func adminValidate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        return try await validate(customerID: try context.uuidParameter("customer"), request: request, context: context)
    }

    @Sendable func customerValidate(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await validate(customerID: try identity.userID.orThrow(APIError.forbidden()), request: request, context: context)
    }

    private func validate(customerID: UUID, request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        let root = input["campaigns"]?.map != nil ? input["campaigns"]! : input
        let additional = try root["additionalPoints"].map { value -> Amount in
            guard !value.isBlank else { return .zero }
            return try value.trimmedText.flatMap(Amount.init(exactly:)).orThrow(APIError.badRequest("additionalPoints must be a number"))
        } ?? .zero
        let ids = try (root["campaigns"]?.list ?? []).map { item in
            try (item["rewardCampaignId"]?.trimmedText).flatMap(UUID.init(uuidString:)).orThrow(APIError.badRequest("every entry needs a rewardCampaignId"))
        }
        let pool = context.runtime.pool, storeID = context.store.id
        let customer = try await CustomersLibrary.customer(on: pool, storeID: storeID, id: customerID).orThrow(APIError.notFound)
        let points = try await LedgerLibrary.availablePoints(on: pool, storeID: storeID, customerID: customerID)
        let known = try await CampaignRepository.campaigns(on: pool, storeID: storeID, ids: ids)
        let offered = try await CampaignOffers.available(on: pool, storeID: storeID, customer: customer, candidates: known, points: points + additional)
        var taken: [UUID: Int] = [:], cost = Amount.zero
        let entries = ids.map { id in
            taken[id, default: 0] += 1
            let available = offered.campaigns.first { $0.id == id }.map { campaign in
                cost += campaign.costInPoints
                return taken[id]! <= offered.offers[id]?.usageLeftForCustomer ?? 0
            } ?? false
            return Entry(rewardCampaignId: id.text, usageLimitAvailable: available)
        }
        return try Response.json(Result(
            campaigns: entries, additionalPoints: additional, finalUsageLimitAvailable: entries.allSatisfy(\.usageLimitAvailable),
            balancePointsAvailable: points + additional >= cost
        ))
    }
}
