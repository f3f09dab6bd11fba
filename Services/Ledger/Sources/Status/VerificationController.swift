import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// recomputes every balance of the store from its transfers and reports the accounts that drifted.
struct VerificationController {
    struct Drift: Encodable, Sendable {
        let customerId: String
        let field: String
        let recorded: Amount
        let computed: Amount
    }

    struct Report: Encodable, Sendable {
        let accounts: Int
        let transfers: Int
        let consistent: Bool
        let drifts: [Drift]
    }

    func add(to group: RouterGroup<StoreContext>) {
        group.get("admin/ledger/verify", use: verify)
    }

    @Sendable func verify(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pointTransfer, .view)
        return try Response.json(try await Self.report(on: context.runtime.pool, storeID: context.store.id))
    }

    /// Balances recomputed from the journal:
    /// - available = Σ over active credits of (value − what live debits used of it),
    /// - locked = Σ pending credits, blocked = Σ blocked debits,
    /// - each credit's `remaining` = value − Σ allocations of debits that are not canceled.
    static func report(on db: some PostgresQueryable, storeID: UUID) async throws -> Report {
        let rows = try await db.query("""
            WITH used AS (
                SELECT al.credit_id, sum(al.amount) AS amount
                FROM ledger.allocations al
                JOIN ledger.transfers d ON d.store_id = al.store_id AND d.id = al.debit_id AND d.state <> 'canceled'
                WHERE al.store_id = \(storeID)
                GROUP BY al.credit_id
            ), credits AS (
                SELECT t.customer_id, t.state, t.value, t.remaining, t.value - coalesce(u.amount, 0) AS unused
                FROM ledger.transfers t LEFT JOIN used u ON u.credit_id = t.id
                WHERE t.store_id = \(storeID) AND t.type IN ('adding', 'p2p_adding')
            ), computed AS (
                SELECT a.customer_id, a.available, a.locked, a.blocked,
                       coalesce((SELECT sum(c.unused) FROM credits c WHERE c.customer_id = a.customer_id AND c.state = 'active'), 0) AS c_available,
                       coalesce((SELECT sum(c.remaining) FROM credits c WHERE c.customer_id = a.customer_id AND c.state = 'active'), 0) AS c_remaining,
                       coalesce((SELECT sum(c.value) FROM credits c WHERE c.customer_id = a.customer_id AND c.state = 'pending'), 0) AS c_locked,
                       coalesce((SELECT sum(d.value) FROM ledger.transfers d
                                 WHERE d.store_id = a.store_id AND d.customer_id = a.customer_id AND d.state = 'blocked'), 0) AS c_blocked
                FROM ledger.accounts a WHERE a.store_id = \(storeID)
            )
            SELECT customer_id, available, locked, blocked, c_available, c_remaining, c_locked, c_blocked
            FROM computed
            WHERE available <> c_available OR available <> c_remaining OR locked <> c_locked OR blocked <> c_blocked
            """)
        var drifts: [Drift] = []
        for row in rows {
            let customer = (try row.decode(UUID.self, "customer_id")).text
            let available: Amount = try row["available"]
            for (field, recorded, computed) in [
                ("available", available, try row.decode(Amount.self, "c_available")),
                ("remaining", available, try row.decode(Amount.self, "c_remaining")),
                ("locked", try row.decode(Amount.self, "locked"), try row.decode(Amount.self, "c_locked")),
                ("blocked", try row.decode(Amount.self, "blocked"), try row.decode(Amount.self, "c_blocked")),
            ] where recorded != computed {
                drifts.append(Drift(customerId: customer, field: field, recorded: recorded, computed: computed))
            }
        }
        let counts = try await db.query("""
            SELECT (SELECT count(*) FROM ledger.accounts WHERE store_id = \(storeID)) AS accounts,
                   (SELECT count(*) FROM ledger.transfers WHERE store_id = \(storeID)) AS transfers
            """).firstRow
        return Report(
            accounts: try counts?.decode(Int.self, "accounts") ?? 0, transfers: try counts?.decode(Int.self, "transfers") ?? 0,
            consistent: drifts.isEmpty, drifts: drifts
        )
    }
}
