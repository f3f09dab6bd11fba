import Foundation
import Postgres
import ServiceKit

/// A reward campaign a customer bought, as the customer record shows it (customers §1.8).
struct CustomerCampaignPurchase: Encodable, Sendable, Hashable {
    struct Coupon: Encodable, Sendable, Hashable {
        let id: String
        let code: String
    }

    let canBeUsed: Bool
    let purchaseAt: String
    let costInPoints: Amount
    let campaignId: String
    let used: Bool
    let coupon: Coupon
    let status: String
    let activeTo: String?
    let deliveryStatus: String
    let usageDate: String?
}

/// The customers' copy of their campaign purchases, kept by `CampaignPurchaseConsumer`.
enum CampaignPurchaseRepository {
    /// The purchases of these customers, each customer's oldest first.
    static func purchases(
        on db: some PostgresQueryable, storeID: UUID, customerIDs: [UUID], now: Date = Date()
    ) async throws -> [UUID: [CustomerCampaignPurchase]] {
        guard !customerIDs.isEmpty else { return [:] }
        var result: [UUID: [CustomerCampaignPurchase]] = [:]
        for row in try await db.query("""
            SELECT customer_id, coupon_id, campaign_id, code, purchased_at, cost_in_points, active_since, active_to, used, usage_date,
                   delivery_status, canceled
            FROM customers.campaign_purchases WHERE store_id = \(storeID) AND customer_id = ANY(\(SQLArray.uuids(customerIDs))::uuid[])
            ORDER BY purchased_at, coupon_id
            """) {
            let used: Bool = try row["used"], canceled: Bool = try row["canceled"]
            let since: Date = try row["active_since"], until: Date? = try row["active_to"]
            let status = canceled ? "canceled" : now < since ? "inactive" : until.map { now > $0 } == true ? "expired" : "active"
            result[try row.decode(UUID.self, "customer_id"), default: []].append(CustomerCampaignPurchase(
                canBeUsed: !used && status == "active", purchaseAt: Timestamps.compact(try row.decode(Date.self, "purchased_at")),
                costInPoints: try row["cost_in_points"], campaignId: try row.decode(UUID.self, "campaign_id").text, used: used,
                coupon: .init(id: try row.decode(UUID.self, "coupon_id").text, code: try row["code"]), status: status,
                activeTo: until.map(Timestamps.compact), deliveryStatus: try row["delivery_status"],
                usageDate: (try row.decode(Date?.self, "usage_date")).map(Timestamps.compact)
            ))
        }
        return result
    }
}
