import Foundation
import Logging
import Postgres
import ServiceKit

/// Expires due points and unlocks pending ones (extensions §7), on every replica at once without doing
/// anything twice: each batch locks the accounts it works on with `FOR UPDATE SKIP LOCKED`, so replicas
/// share the work, and every transfer's state is checked again under the lock.
enum PointsScheduler {
    static let interval: Duration = .seconds(30)
    static let batchSize = 200

    static func workers(_ runtime: ServiceRuntime) -> [BackgroundTask] {
        [BackgroundTask("points expiry and unlock") {
            while !Task.isCancelled {
                do {
                    try await runOnce(pool: runtime.pool)
                } catch {
                    runtime.logger.error("points scheduler failed: \(error)")
                }
                try await Task.sleep(for: interval)
            }
        }]
    }

    /// One pass of both jobs; returns how many transfers were expired and unlocked.
    @discardableResult
    static func runOnce(pool: PostgresPool) async throws -> (expired: Int, unlocked: Int) {
        let result = (try await expireDue(pool: pool), try await unlockDue(pool: pool))
        try await forgetIdempotencyKeys(pool: pool)
        return result
    }

    /// Idempotency keys are kept for a day (decision ledger DESIGN §9).
    static func forgetIdempotencyKeys(pool: PostgresPool) async throws {
        try await LedgerService.idempotency.forgetOldKeys(pool: pool)
    }

    /// Expires every active credit whose `expiresAt` has passed (`expiresAt < now`).
    static func expireDue(pool: PostgresPool) async throws -> Int {
        try await drain(pool: pool, due: """
            t.state = 'active' AND t.type IN ('adding', 'p2p_adding') AND t.expires_at < now()
            """, order: "t.expires_at") { tx, storeID, id in
            try await PointsLedger.expire(on: tx, storeID: storeID, transferID: id, actor: .system)
        }
    }

    /// Unlocks every pending transfer whose `lockedUntil` has passed.
    static func unlockDue(pool: PostgresPool) async throws -> Int {
        try await drain(pool: pool, due: "t.state = 'pending' AND t.locked_until < now()", order: "t.locked_until") { tx, storeID, id in
            try await PointsLedger.activate(on: tx, storeID: storeID, transferID: id, actor: .system)
        }
    }

    private static func drain(
        pool: PostgresPool, due: String, order: String,
        _ apply: @escaping @Sendable (PostgresSession, UUID, UUID) async throws -> Void
    ) async throws -> Int {
        var total = 0
        while true {
            let done = try await pool.transaction { tx in
                let rows = try await tx.query("""
                    SELECT t.store_id, t.id FROM ledger.transfers t
                    JOIN ledger.accounts a ON a.store_id = t.store_id AND a.customer_id = t.customer_id
                    WHERE \(unsafeRaw: due)
                    ORDER BY \(unsafeRaw: order) LIMIT \(batchSize)
                    FOR UPDATE OF a SKIP LOCKED
                    """)
                var count = 0
                for row in rows {
                    do {
                        try await apply(tx, try row.decode(UUID.self, "store_id"), try row.decode(UUID.self, "id"))
                        count += 1
                    } catch is PointsRefusal {
                        continue  // changed by someone else meanwhile
                    }
                }
                return (count, rows.count)
            }
            total += done.0
            if done.1 < batchSize { return total }
        }
    }
}
