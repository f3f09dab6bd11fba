import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// CMP-18: the customers a campaign is visible to now, a page at a time, each with their purchases of it.
struct VisibleCustomersController {
    func add(to group: RouterGroup<StoreContext>) {
        group.get("campaign/{campaign}/customers/visible", use: list)
    }

    /// `{"customers":[…],"total":N}` in registration order. The documentation gives no parameters (A39): `page` and
    /// `perPage` page the list; the only order is registration, oldest first. `total` is counted as
    /// `visibleForCustomersCount` is, so the two always agree.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: ["createdAt": "created_at"], defaultSort: "createdAt")
        guard page.direction == .ascending else { throw APIError.badRequest("Visible customers are listed oldest first only; direction must be ASC") }
        let storeID = context.store.id, pool = context.runtime.pool, now = Date()
        let id = try context.uuidParameter("campaign")
        let campaign = try await CampaignRepository.find(on: pool, storeID: storeID, id: id).orThrow(APIError.notFound)
        let total = try await CampaignPresenter.visibleForCustomersCount(on: pool, storeID: storeID, campaign: campaign, now: now)
        guard total > page.offset else { return try Response.json(ListEnvelope("customers", items: [VisibleCustomerView](), total: total)) }
        let customers = try await CustomersLibrary.targetedCustomers(
            on: pool, storeID: storeID, levels: campaign.levels, segments: campaign.segments, limit: page.perPage, offset: page.offset
        )
        let purchases = try await purchases(of: campaign.id, by: customers.map(\.id), on: pool, storeID: storeID)
        let views = customers.map { customer in
            VisibleCustomerView(customer: customer, purchases: (purchases[customer.id] ?? []).map { CustomerPurchaseView($0, campaign: nil, now: now) })
        }
        return try Response.json(ListEnvelope("customers", items: views, total: total))
    }

    /// The purchases of the campaign by these customers, oldest first, by customer.
    private func purchases(of campaignID: UUID, by customers: [UUID], on pool: PostgresPool, storeID: UUID) async throws -> [UUID: [Purchase]] {
        guard !customers.isEmpty else { return [:] }
        let condition: SQL = "p.campaign_id = \(campaignID) AND p.customer_id = ANY(\(SQLArray.uuids(customers))::uuid[])"
        return Dictionary(grouping: try await PurchaseRepository.all(on: pool, storeID: storeID, where: condition), by: \.customerID)
    }
}
