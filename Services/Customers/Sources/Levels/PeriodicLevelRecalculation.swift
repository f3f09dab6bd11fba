import Foundation
import Logging
import Postgres
import ServiceKit

/// The periodic level recalculation of `levelDowngradeMode = after_x_days` in points mode (extensions §1.5):
/// every minute, customers whose last recalculation (or registration) is `levelDowngradeDays` old are
/// re-evaluated with demotion allowed, their period restarts, and `CustomerLevelWasRecalculated`
/// `{customerId, levelId, resetPoints}` is appended — `resetPoints` tells the ledger to expire the customer's
/// points when `levelResetPointsOnDowngrade` applies (base `active_points`).
struct PeriodicLevelRecalculation: Sendable {
    static let batchSize = 100

    let runtime: ServiceRuntime
    let customers = CustomerRepository()
    let settings = SettingsRepository()
    let mover = LevelMover()

    struct Recalculated: Encodable {
        let customerId: String
        let levelId: String?
        let resetPoints: Bool
    }

    /// Recalculates every due customer of every store that uses the mode; returns how many.
    @discardableResult
    func runOnce() async throws -> Int {
        let stores = try await runtime.pool.query("""
            SELECT store_id FROM customers.settings
            WHERE "values"->>'tierAssignType' = 'points' AND "values"->>'levelDowngradeMode' = 'after_x_days'
            """).map { try $0.decode(UUID.self, "store_id") }
        var total = 0
        for storeID in stores {
            guard let store = try await runtime.stores.activeStore(id: storeID) else { continue }
            while true {
                let done = try await runtime.pool.transaction { tx -> Int in try await batch(store, on: tx) }
                total += done
                if done < Self.batchSize { break }
            }
        }
        return total
    }

    private func batch(_ store: Store, on tx: PostgresSession) async throws -> Int {
        let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
        guard program.tierAssignType == .points, program.levelDowngradeMode == .afterXDays else { return 0 }
        let ids = try await tx.query("""
            SELECT id FROM customers.customers
            WHERE store_id = \(store.id) AND status <> 'deleted'
              AND coalesce(last_level_recalculation, created_at) <= now() - make_interval(days => \(program.levelDowngradeDays))
            ORDER BY id LIMIT \(Self.batchSize) FOR UPDATE SKIP LOCKED
            """).map { try $0.decode(UUID.self, "id") }
        let reset = program.levelDowngradeBase == "active_points" && program.flag("levelResetPointsOnDowngrade")
        for id in ids {
            guard var customer = try await customers.find(on: tx, storeID: store.id, id: id, lock: true) else { continue }
            try await mover.recalculate(&customer, trigger: .periodic, settings: program, change: .system, on: tx)
            try await tx.execute("""
                UPDATE customers.customers SET last_level_recalculation = now(), earned_points_since_recalculation = 0
                WHERE store_id = \(store.id) AND id = \(id)
                """)
            try await Change.system.record(
                on: tx, store: store.id, event: CustomerEvent.levelRecalculated, entity: "customer", id: id,
                payload: Recalculated(customerId: id.text, levelId: customer.levelID?.text, resetPoints: reset)
            )
        }
        return ids.count
    }

    /// Runs every `interval` until cancelled.
    func run(every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try await runOnce()
            } catch is CancellationError {
                return
            } catch {
                runtime.logger.error("periodic level recalculation failed: \(error)")
            }
        }
    }
}
