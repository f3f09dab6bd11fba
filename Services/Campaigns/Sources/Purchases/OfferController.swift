import Customers
import Foundation
import Hummingbird
import Ledger
import Postgres
import ServiceKit

/// What a customer can buy now (CMP-16 admin, CMP-25 seller, CMP-27 the customer).
///
/// A campaign is offered when it is active and visible now, aimed at the customer's level or segments, and has
/// usage left globally and for the customer. `additionalPoints` simulates a larger balance and, as documented,
/// lists campaigns whatever their level and segment limits (decision campaigns A40).
struct OfferController {
    func add(to group: RouterGroup<StoreContext>) {
        group.get("admin/customer/{customer}/campaign/available", use: adminOffers)
        group.get("seller/customer/{customer}/campaign/available", use: sellerOffers)
        group.get("customer/campaign/available", use: customerOffers)
    }

    @Sendable func adminOffers(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        return try await offers(customerID: try context.uuidParameter("customer"), audience: .admin, request: request, context: context)
    }

    @Sendable func sellerOffers(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try await offers(customerID: try context.uuidParameter("customer"), audience: .seller, request: request, context: context)
    }

    @Sendable func customerOffers(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await offers(customerID: try identity.userID.orThrow(APIError.forbidden()), audience: .customer, request: request, context: context)
    }

    private func offers(customerID: UUID, audience: CampaignAudience, request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: CampaignRepository.sortable, defaultSort: "createdAt")
        var additional: Amount?
        if let value = query["additionalPoints"], !value.isBlank {
            additional = try value.trimmedText.flatMap(Amount.init(exactly:)).orThrow(APIError.badRequest("additionalPoints must be a number"))
        }
        let storeID = context.store.id, pool = context.runtime.pool, now = Date()
        let customer = try await CustomersLibrary.customer(on: pool, storeID: storeID, id: customerID).orThrow(APIError.notFound)
        let points = try await LedgerLibrary.availablePoints(on: pool, storeID: storeID, customerID: customerID) + (additional ?? .zero)
        let condition = try CampaignFilters.condition(query)
        let candidates = try await CampaignRepository.list(on: pool, storeID: storeID, where: "c.active AND \(condition)", page: nil).campaigns
            .filter { !$0.reward.singleUnit }
        let offered = try await CampaignOffers.available(
            on: pool, storeID: storeID, customer: customer, candidates: candidates, points: points, ignoringTargets: additional != nil, now: now
        )
        let available = offered.campaigns, offers = offered.offers
        let shown = Array(CampaignFilters.sorted(available, by: page).dropFirst(page.offset).prefix(page.perPage))
        let presenter = try await CampaignPresenter.load(on: pool, storeID: storeID, campaigns: shown, for: audience, locale: locale(query), now: now)
        let views = shown.map { presenter.view($0, for: audience, offer: offers[$0.id]) }
        return try Response.json(ListEnvelope("campaigns", items: views, total: available.count))
    }
}
