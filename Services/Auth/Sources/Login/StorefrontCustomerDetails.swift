import Foundation
import Postgres

/// `loyaltyCustomerDetails` of the storefront log-in. The points live in the ledger, which publishes them
/// as the view `ledger.storefront_customer_details (store_id, customer_id, balance, status, vip_tier_id)`;
/// until that view exists a customer shows a zero balance and the status `pending`.
struct StorefrontCustomerDetails: Sendable, Encodable {
    let balance: Amount
    let status: String
    let vipTierId: String?

    static func load(storeID: UUID, customerID: UUID, on database: some PostgresQueryable) async throws -> StorefrontCustomerDetails {
        let published = try await database.query("SELECT to_regclass('ledger.storefront_customer_details') IS NOT NULL AS published")
            .scalar(Bool.self)
        let fallback = StorefrontCustomerDetails(balance: .zero, status: "pending", vipTierId: nil)
        guard published else { return fallback }
        let row = try await database.query("""
            SELECT balance::numeric(18,2) AS balance, status, vip_tier_id::text AS vip_tier_id FROM ledger.storefront_customer_details
            WHERE store_id = \(storeID) AND customer_id = \(customerID)
            """).firstRow
        guard let row else { return fallback }
        return StorefrontCustomerDetails(
            balance: try row.decode(Amount.self, "balance"), status: try row.decode(String.self, "status"),
            vipTierId: try row.decode(String?.self, "vip_tier_id")
        )
    }
}
