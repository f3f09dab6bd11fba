import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// recomputes every balance of the store from its transfers, and every customer's transaction totals
/// from their transactions, and reports what drifted.
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
        drifts += try await totalsDrifts(on: db, storeID: storeID)
        let counts = try await db.query("""
            SELECT (SELECT count(*) FROM ledger.accounts WHERE store_id = \(storeID)) AS accounts,
                   (SELECT count(*) FROM ledger.transfers WHERE store_id = \(storeID)) AS transfers
            """).firstRow
        return Report(
            accounts: try counts?.decode(Int.self, "accounts") ?? 0, transfers: try counts?.decode(Int.self, "transfers") ?? 0,
            consistent: drifts.isEmpty, drifts: drifts
        )
    }

    /// Each customer's kept transaction totals (`ledger.customer_totals`) against their transactions summed afresh.
    static func totalsDrifts(on db: some PostgresQueryable, storeID: UUID) async throws -> [Drift] {
        let rows = try await db.query("""
            SELECT coalesce(kept.customer_id, fresh.customer_id) AS customer_id,
                   coalesce(kept.transactions_count, 0) AS count, coalesce(fresh.count, 0) AS c_count,
                   coalesce(kept.transactions_amount, 0) AS amount, coalesce(fresh.amount, 0) AS c_amount
            FROM (SELECT * FROM ledger.customer_totals WHERE store_id = \(storeID)) kept
            FULL JOIN (SELECT customer_id, count(*) FILTER (WHERE document_type = 'sell') AS count,
                              sum(CASE WHEN document_type = 'sell' THEN gross_value ELSE -gross_value END) AS amount
                       FROM ledger.transactions WHERE store_id = \(storeID) AND customer_id IS NOT NULL
                       GROUP BY customer_id) fresh ON fresh.customer_id = kept.customer_id
            WHERE coalesce(kept.transactions_count, 0) <> coalesce(fresh.count, 0)
               OR coalesce(kept.transactions_amount, 0) <> coalesce(fresh.amount, 0)
            """)
        var drifts: [Drift] = []
        for row in rows {
            let customer = (try row.decode(UUID.self, "customer_id")).text
            let count: Int = try row["count"], computedCount: Int = try row["c_count"]
            if count != computedCount {
                drifts.append(Drift(
                    customerId: customer, field: "transactionsCount",
                    recorded: Amount(hundredths: Int64(count) * 100), computed: Amount(hundredths: Int64(computedCount) * 100)
                ))
            }
            let amount: Amount = try row["amount"], computedAmount: Amount = try row["c_amount"]
            if amount != computedAmount {
                drifts.append(Drift(customerId: customer, field: "transactionsAmount", recorded: amount, computed: computedAmount))
            }
        }
        return drifts
    }
}
