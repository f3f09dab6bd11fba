import Foundation
import Postgres
import ServiceKit

/// SQL over `campaigns.purchases` and the handing out of pool codes. Every method takes the store first.
enum PurchaseRepository {
    static let columns = """
        p.id, p.campaign_id, p.customer_id, p.code, p.purchased_at, p.cost_in_points, p.current_points_amount, p.active_since, p.active_to,
        p.used, p.usage_date, p.used_in_transaction_id, p.transaction_id, p.delivery_status, p.returned_amount, p.canceled
        """

    /// API sort names → SQL (CMP-08, CC-01, CC-02, CC-08).
    static let sortable: [String: String] = [
        "purchaseAt": "p.purchased_at", "purchasedAt": "p.purchased_at", "used": "p.used", "costInPoints": "p.cost_in_points",
        "usageDate": "p.usage_date", "activeSince": "p.active_since", "activeTo": "p.active_to", "deliveryStatus": "p.delivery_status",
    ]

    static func purchase(_ row: PostgresRow) throws -> Purchase {
        Purchase(
            id: try row["id"], campaignID: try row["campaign_id"], customerID: try row["customer_id"], code: try row["code"],
            purchasedAt: try row["purchased_at"], costInPoints: try row["cost_in_points"], currentPointsAmount: try row["current_points_amount"],
            activeSince: try row["active_since"], activeTo: try row["active_to"], used: try row["used"], usageDate: try row["usage_date"],
            usedInTransactionID: try row["used_in_transaction_id"], transactionID: try row["transaction_id"],
            deliveryStatus: try row["delivery_status"], returnedAmount: try row["returned_amount"], canceled: try row["canceled"]
        )
    }

    static func insert(on db: some PostgresQueryable, storeID: UUID, _ purchase: Purchase) async throws {
        try await db.execute("""
            INSERT INTO campaigns.purchases (store_id, id, campaign_id, customer_id, code, purchased_at, cost_in_points, current_points_amount,
                                             active_since, active_to, transaction_id)
            VALUES (\(storeID), \(purchase.id), \(purchase.campaignID), \(purchase.customerID), \(purchase.code), \(purchase.purchasedAt),
                    \(purchase.costInPoints), \(purchase.currentPointsAmount), \(purchase.activeSince), \(purchase.activeTo), \(purchase.transactionID))
            """)
    }

    /// Marks the next `count` free pool codes of the campaign as handed out and returns them, oldest first; fewer
    /// when the pool runs short. The caller holds the campaign's row lock.
    static func takeFreeCodes(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, count: Int) async throws -> [String] {
        let codes = try await db.query("""
            WITH picked AS (
                SELECT code FROM campaigns.coupons WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND NOT issued
                ORDER BY position LIMIT \(count)
            )
            UPDATE campaigns.coupons k SET issued = true FROM picked
            WHERE k.store_id = \(storeID) AND k.campaign_id = \(campaignID) AND k.code = picked.code
            RETURNING k.code, k.position
            """).map { (try $0.decode(String.self, "code"), try $0.decode(Int.self, "position")) }
            .sorted { $0.1 < $1.1 }.map(\.0)
        try await db.execute("""
            UPDATE campaigns.campaigns SET free_coupons = free_coupons - \(codes.count) WHERE store_id = \(storeID) AND id = \(campaignID)
            """)
        return codes
    }

    /// How many units of each campaign the customer bought.
    static func purchasesByCustomer(on db: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for row in try await db.query("""
            SELECT campaign_id, units AS bought FROM campaigns.campaign_buyers WHERE store_id = \(storeID) AND customer_id = \(customerID)
            """) {
            counts[try row.decode(UUID.self, "campaign_id")] = try row.decode(Int.self, "bought")
        }
        return counts
    }

    /// How many units of the campaign the customer bought.
    static func units(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, customerID: UUID) async throws -> Int {
        try await db.query("""
            SELECT units FROM campaigns.campaign_buyers WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND customer_id = \(customerID)
            """).firstRow?.decode(Int.self, "units") ?? 0
    }

    /// Counts `units` more bought by the customer; true when they are the customer's first of the campaign.
    static func addUnits(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, customerID: UUID, units: Int) async throws -> Bool {
        try await db.query("""
            INSERT INTO campaigns.campaign_buyers AS b (store_id, campaign_id, customer_id, units)
            VALUES (\(storeID), \(campaignID), \(customerID), \(units))
            ON CONFLICT (store_id, campaign_id, customer_id) DO UPDATE SET units = b.units + excluded.units
            RETURNING b.units = \(units) AS first
            """).scalar(Bool.self)
    }

    /// The purchases matching `condition` (a fragment over `p`), a page of them, and how many match.
    static func list(
        on db: some PostgresQueryable, storeID: UUID, where condition: SQL, page: Pagination
    ) async throws -> (purchases: [Purchase], total: Int) {
        let rows = try await db.query("""
            SELECT \(unsafeRaw: columns), count(*) OVER () AS total FROM campaigns.purchases p
            WHERE p.store_id = \(storeID) AND \(condition) \(page.orderAndLimit(tieBreaker: "p.id"))
            """)
        let purchases = try rows.map(purchase)
        if let total = try rows.firstRow.map({ try $0.decode(Int.self, "total") }) { return (purchases, total) }
        let total = try await db.query("SELECT count(*) FROM campaigns.purchases p WHERE p.store_id = \(storeID) AND \(condition)").scalar(Int.self)
        return (purchases, total)
    }

    /// Every purchase matching `condition`, oldest first (the CSV export).
    static func all(on db: some PostgresQueryable, storeID: UUID, where condition: SQL) async throws -> [Purchase] {
        try await db.query("""
            SELECT \(unsafeRaw: columns) FROM campaigns.purchases p WHERE p.store_id = \(storeID) AND \(condition) ORDER BY p.purchased_at, p.id
            """).map(purchase)
    }

    /// The purchase of this coupon id, locked to the end of the caller's transaction.
    static func find(on db: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Purchase? {
        try await db.query("""
            SELECT \(unsafeRaw: columns) FROM campaigns.purchases p WHERE p.store_id = \(storeID) AND p.id = \(id) FOR UPDATE
            """).firstRow.map(purchase)
    }

    /// Sets the used flag: with `used`, the usage date and the transaction the coupon was used in, and an `ordered`
    /// delivery status when none was set; without, clears the usage.
    static func setUsed(on db: some PostgresQueryable, storeID: UUID, id: UUID, used: Bool, transactionID: UUID?) async throws {
        try await db.execute("""
            UPDATE campaigns.purchases SET used = \(used),
                usage_date = CASE WHEN \(used) THEN coalesce(usage_date, now()) END,
                used_in_transaction_id = CASE WHEN \(used) THEN \(transactionID)::uuid END,
                delivery_status = CASE WHEN \(used) AND delivery_status = '' THEN 'ordered' ELSE delivery_status END
            WHERE store_id = \(storeID) AND id = \(id)
            """)
    }

    /// Recomputes the unused percentage-discount rewards given for a sale on the value left after its returns
    /// (extensions §6.6): the code becomes `left × percentage / 100`; nothing left cancels them. Returns their coupon ids.
    @discardableResult
    static func reviseForReturn(
        on db: some PostgresQueryable, storeID: UUID, saleID: UUID, saleValue: Amount, returned: Amount
    ) async throws -> [UUID] {
        let left = max(.zero, saleValue - returned)
        let rows = try await db.query("""
            SELECT p.id, c.transaction_percentage_value AS percentage FROM campaigns.purchases p
            JOIN campaigns.campaigns c ON c.store_id = p.store_id AND c.id = p.campaign_id
            WHERE p.store_id = \(storeID) AND p.transaction_id = \(saleID) AND c.reward = 'percentage_discount_code'
              AND NOT p.used AND NOT p.canceled
            FOR UPDATE OF p
            """)
        var revised: [UUID] = []
        for row in rows {
            let percentage: Int = try row.decode(Int?.self, "percentage") ?? 0
            let id = try row.decode(UUID.self, "id")
            try await db.execute("""
                UPDATE campaigns.purchases SET code = \(left.multiplied(by: Int64(percentage), dividedBy: 100).description),
                    returned_amount = \(returned), canceled = \(!left.isPositive)
                WHERE store_id = \(storeID) AND id = \(id)
                """)
            revised.append(id)
        }
        return revised
    }

    static func setDeliveryStatus(on db: some PostgresQueryable, storeID: UUID, id: UUID, customerID: UUID, status: String) async throws -> Bool {
        try await db.execute("""
            UPDATE campaigns.purchases SET delivery_status = \(status) WHERE store_id = \(storeID) AND id = \(id) AND customer_id = \(customerID)
            """) > 0
    }
}
