import Foundation
import Postgres

/// A domain event to append (DESIGN §2).
public struct NewEvent: Sendable {
    public var storeID: UUID?
    public var aggregateType: String
    public var aggregateID: String
    /// The event name, e.g. `CustomerWasRegistered`.
    public var type: String
    public var payload: JSONB
    public var actor: Actor?

    public init(storeID: UUID?, aggregateType: String, aggregateID: String, type: String, payload: JSONB, actor: Actor? = nil) {
        self.storeID = storeID
        self.aggregateType = aggregateType
        self.aggregateID = aggregateID
        self.type = type
        self.payload = payload
        self.actor = actor
    }

    /// Builds the payload from any `Encodable` value.
    public init(
        storeID: UUID?, aggregateType: String, aggregateID: String, type: String,
        payload: some Encodable, actor: Actor? = nil
    ) throws {
        self.init(
            storeID: storeID, aggregateType: aggregateType, aggregateID: aggregateID, type: type,
            payload: try JSONB(encoding: payload), actor: actor
        )
    }
}

/// Who caused an event.
public struct Actor: Sendable, Codable, Hashable {
    public var type: String
    public var id: String?
    public var ip: String?

    public init(type: String, id: String? = nil, ip: String? = nil) {
        self.type = type
        self.id = id
        self.ip = ip
    }

    /// The actor behind an identity (the master key and anonymous callers have no id).
    public init(_ identity: Identity?, ip: String? = nil) {
        self.init(
            type: identity?.kind.rawValue ?? "anonymous",
            id: identity?.userID?.uuidString.lowercased() ?? identity?.merchantUser, ip: ip
        )
    }

    public static let system = Actor(type: "system")
}

/// An event as stored.
public struct StoredEvent: Sendable {
    public let id: Int64
    public let storeID: UUID?
    public let aggregateType: String
    public let aggregateID: String
    public let type: String
    public let payload: JSONB
    public let actor: JSONB?
    public let recordedAt: Date

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        storeID = try row.decode(UUID?.self, "store_id")
        aggregateType = try row.decode(String.self, "aggregate_type")
        aggregateID = try row.decode(String.self, "aggregate_id")
        type = try row.decode(String.self, "type")
        payload = try row.decode(JSONB.self, "payload")
        actor = try row.decode(JSONB?.self, "actor")
        recordedAt = try row.decode(Date.self, "recorded_at")
    }

    static let columns = "e.id, e.store_id, e.aggregate_type, e.aggregate_id, e.type, e.payload, e.actor, e.recorded_at"
}

/// Appends events. Call it with the transaction that makes the change, so the change and its event commit
/// (or vanish) together.
public enum EventLog {
    /// Appends the event, queues it for every subscribed consumer and wakes them (at commit), in one round trip.
    @discardableResult
    public static func append(_ event: NewEvent, on database: some PostgresQueryable) async throws -> Int64 {
        try await insert([event], on: database)[0]
    }

    /// Appends several events in one statement (in the order given): one round trip however many events a
    /// change produces.
    public static func append(contentsOf events: [NewEvent], on database: some PostgresQueryable) async throws {
        guard !events.isEmpty else { return }
        _ = try await insert(events, on: database)
    }

    /// Inserts the events, queues each for the consumers subscribed to its type and notifies each of those
    /// consumers once (delivered at commit); returns the new ids in order.
    private static func insert(_ events: [NewEvent], on database: some PostgresQueryable) async throws -> [Int64] {
        let rows: [SQL] = try events.map { event in
            let actor = try event.actor.map { try JSONB(encoding: $0) }
            return """
                (\(event.storeID), \(event.aggregateType), \(event.aggregateID), \(event.type), \(event.payload)::jsonb, \(actor)::jsonb)
                """
        }
        return try await database.query("""
            WITH appended AS (
                INSERT INTO suite.events (store_id, aggregate_type, aggregate_id, type, payload, actor)
                VALUES \(SQL.joined(rows, separator: ", "))
                RETURNING id, type
            ), queued AS (
                INSERT INTO suite.event_queue (consumer, event_id)
                SELECT subscription.consumer, appended.id
                FROM suite.event_subscriptions subscription, appended
                WHERE subscription.event_type = appended.type
                RETURNING consumer
            ), woken AS (
                SELECT count(pg_notify(\(EventConsumer.channelPrefix) || consumer, '')) AS consumers
                FROM (SELECT DISTINCT consumer FROM queued) subscribed
            )
            SELECT appended.id, woken.consumers FROM appended, woken ORDER BY appended.id
            """).map { try $0.decode(Int64.self, "id") }
    }

    /// Reads events for the event API: newest-first or from a cursor.
    public static func events(on database: some PostgresQueryable, where condition: SQL, limit: Int) async throws -> [StoredEvent] {
        try await database.query("SELECT \(unsafeRaw: StoredEvent.columns) FROM suite.events e WHERE \(condition) ORDER BY e.id LIMIT \(limit)")
            .map(StoredEvent.init(row:))
    }
}
