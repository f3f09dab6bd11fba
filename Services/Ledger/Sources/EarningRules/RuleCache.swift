import Foundation
import Postgres
import ServiceKit
import Synchronization

/// The active earning rules of each store, kept in memory by each replica: the registration hot path reads
/// them without a query. A change of rules sends `NOTIFY ledger_rules_changed` in its transaction and
/// empties this replica's entry at once; other replicas empty theirs on the notification (and on every
/// listener reconnect); entries also expire after a few seconds as a safety net.
final class RuleCache: Sendable {
    static let channel = "ledger_rules_changed"
    private static let registry = Mutex<[ObjectIdentifier: RuleCache]>([:])

    /// The cache of a running service (one per runtime).
    static func of(_ runtime: ServiceRuntime) -> RuleCache {
        registry.withLock { caches in
            if let cache = caches[ObjectIdentifier(runtime)] { return cache }
            let cache = RuleCache()
            caches[ObjectIdentifier(runtime)] = cache
            return cache
        }
    }

    /// The cache the current request may use (set by the handlers of the hot path).
    @TaskLocal static var current: RuleCache?

    private let timeToLive: Duration
    private let entries = Mutex<(generation: Int, rules: [UUID: (rules: [EarningRule], expires: ContinuousClock.Instant)])>((0, [:]))

    init(timeToLive: Duration = .seconds(5)) {
        self.timeToLive = timeToLive
    }

    /// Every active rule of the store; a miss reads them on `db` (the caller's transaction, so that a
    /// request never waits for a second connection).
    func activeRules(storeID: UUID, loadingOn db: some PostgresQueryable) async throws -> [EarningRule] {
        let now = ContinuousClock.now
        let (generation, cached) = entries.withLock { ($0.generation, $0.rules[storeID]) }
        if let cached, cached.expires > now { return cached.rules }
        let rules = try await EarningRuleRepository.active(on: db, storeID: storeID, types: RuleType.allCases, useCache: false)
        entries.withLock { entries in
            // A change announced while we were reading makes what we read stale: do not keep it.
            guard entries.generation == generation else { return }
            if entries.rules.count > 10_000 { entries.rules.removeAll() }
            entries.rules[storeID] = (rules, now + timeToLive)
        }
        return rules
    }

    func invalidate(storeID: UUID? = nil) {
        entries.withLock { entries in
            entries.generation += 1
            if let storeID { entries.rules[storeID] = nil } else { entries.rules.removeAll() }
        }
    }

    /// Empties entries on every change notification, until cancelled.
    func follow(_ listener: PostgresListener) async {
        for await notification in listener.notifications(on: Self.channel) {
            switch notification {
            case .message(_, let payload): invalidate(storeID: UUID(uuidString: payload) ?? UUID())
            case .connected: invalidate()
            }
        }
    }

    /// Announces a change of the store's rules to every replica (at commit).
    static func announce(storeID: UUID, on db: some PostgresQueryable) async throws {
        _ = try await db.query("SELECT pg_notify(\(channel), \(storeID.text))")
    }
}
