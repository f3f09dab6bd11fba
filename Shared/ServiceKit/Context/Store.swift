import Foundation
import Logging
import Postgres
import Synchronization

/// A tenant. `code` is the Open Loyalty `{storeCode}`, `id` the Okendo subscriber id.
public struct Store: Sendable, Hashable, Codable {
    public var id: UUID
    public var code: String
    public var name: String
    public var currency: String
    public var active: Bool

    public init(id: UUID, code: String, name: String, currency: String, active: Bool) {
        self.id = id
        self.code = code
        self.name = name
        self.currency = currency
        self.active = active
    }

    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode(UUID.self, "id"), code: try row.decode(String.self, "code"),
            name: try row.decode(String.self, "name"), currency: try row.decode(String.self, "currency"),
            active: try row.decode(Bool.self, "active")
        )
    }
}

/// Looks stores up by code or id for every request, with a short-lived cache.
///
/// The auth service owns `auth.stores` and sends `NOTIFY stores_changed` when one changes; the directory
/// then forgets what it cached, so a deactivated store is refused at once rather than after the TTL.
public final class StoreDirectory: Sendable {
    /// The notification channel store changes are announced on.
    public static let changeChannel = "stores_changed"

    private let database: any PostgresQueryable
    private let timeToLive: Duration
    private let cache = Mutex<[String: (store: Store?, expires: ContinuousClock.Instant)]>([:])

    public init(database: any PostgresQueryable, timeToLive: Duration = .seconds(5)) {
        self.database = database
        self.timeToLive = timeToLive
    }

    /// The active store with this code, nil when unknown or inactive.
    public func activeStore(code: String) async throws -> Store? {
        try await lookup(key: "code:\(code)") {
            "SELECT id, code, name, currency, active FROM auth.stores WHERE code = \(code)"
        }.flatMap { $0.active ? $0 : nil }
    }

    /// The active store with this id (the subscriber id), nil when unknown or inactive.
    public func activeStore(id: UUID) async throws -> Store? {
        try await lookup(key: "id:\(id)") {
            "SELECT id, code, name, currency, active FROM auth.stores WHERE id = \(id)"
        }.flatMap { $0.active ? $0 : nil }
    }

    /// Forgets every cached store (called on `stores_changed`).
    public func invalidate() {
        cache.withLock { $0.removeAll() }
    }

    /// Keeps the cache honest: invalidates on every change notification and on every listener reconnect.
    public func follow(_ listener: PostgresListener) async {
        for await _ in listener.notifications(on: Self.changeChannel) { invalidate() }
    }

    private func lookup(key: String, query: () -> SQL) async throws -> Store? {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[key] }), cached.expires > now { return cached.store }
        let store = try await database.query(query()).firstRow.map(Store.init(row:))
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = (store, now + timeToLive)
        }
        return store
    }
}
