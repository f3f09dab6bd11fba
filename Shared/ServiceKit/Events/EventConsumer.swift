import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// Reacts to events asynchronously, on as many replicas as run it, each event handled exactly once.
///
/// Appending an event queues it for this consumer (see `EventLog`). The consumer is woken by NOTIFY, and
/// also looks every few seconds in case a notification was missed. Each event is claimed with
/// `FOR UPDATE SKIP LOCKED` and handled inside the transaction that removes it from the queue, so the
/// handler's writes and the acknowledgement commit together. A failing event is retried with backoff.
public struct EventConsumer: Service {
    public typealias Handler = @Sendable (StoredEvent, PostgresSession) async throws -> Void

    static let channelPrefix = "events_"
    public let name: String
    public let eventTypes: [String]
    let handler: Handler
    let pool: PostgresPool
    let listener: PostgresListener
    let logger: Logger
    let fallbackPollInterval: Duration

    public init(
        name: String, eventTypes: [String], runtime: ServiceRuntime,
        fallbackPollInterval: Duration = .seconds(5), handler: @escaping Handler
    ) {
        self.name = name
        self.eventTypes = eventTypes
        self.handler = handler
        self.pool = runtime.pool
        self.listener = runtime.listener
        self.logger = runtime.logger
        self.fallbackPollInterval = fallbackPollInterval
    }

    public func run() async throws {
        try await subscribe()
        let wakeUps = listener.notifications(on: Self.channelPrefix + name)
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (signals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
                group.addTask {
                    for await _ in wakeUps { signal.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: fallbackPollInterval)
                        signal.yield()
                    }
                }
                signal.yield()
                for await _ in signals {
                    await drain()
                }
                group.cancelAll()
            }
        }
    }

    /// Registers the subscriptions so that events appended from now on are queued for this consumer.
    public func subscribe() async throws {
        for type in eventTypes {
            try await pool.execute("""
                INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES (\(name), \(type)) ON CONFLICT DO NOTHING
                """)
        }
    }

    /// Handles queued events until none is ready.
    public func drain() async {
        do {
            while try await handleBatch() > 0 {}
        } catch {
            logger.error("event consumer \(name) failed: \(error)")
        }
    }

    /// How many ready events one transaction claims. Claiming one at a time made a backlog drain slowly:
    /// each claim walks the queue index past the entries of events just handled (dead until vacuumed).
    static let batchSize = 64

    /// Claims up to `batchSize` ready events, oldest first, and handles them in order; 0 when none is ready.
    ///
    /// The claim deletes the queue rows; the deletion commits with the handlers' writes, and until then the
    /// rows stay locked, so no other replica can take them. Each handler runs behind a savepoint: when it fails,
    /// its writes are undone and that event alone is queued again, later. A transient error (serialization
    /// failure, deadlock) rolls back the whole batch, claims included.
    func handleBatch() async throws -> Int {
        try await pool.transaction { session in
            let claimed = try await claim(on: session)
            for (event, attempts) in claimed {
                session.savepoint("handler")
                do {
                    try await handler(event, session)
                    session.releaseSavepoint("handler")
                } catch let error as PostgresError where error.isTransient {
                    throw error
                } catch {
                    try await session.rollbackToSavepoint("handler")
                    try await postpone(event.id, attempts: attempts, failure: error, on: session)
                }
            }
            return claimed.count
        }
    }

    /// Takes the oldest ready events off this consumer's queue, with how often each was tried before.
    private func claim(on session: PostgresSession) async throws -> [(event: StoredEvent, attempts: Int)] {
        // The picked rows are deleted by their physical address (a TID scan): however the cached plan estimates
        // the queue, the deletion touches only them. (Written as `event_id IN (…)`, a cached plan hashed a scan of
        // the whole queue, dead rows included, on every claim.) The rows are locked, so their address holds.
        try await session.query("""
            WITH picked AS MATERIALIZED (
                SELECT ctid AS row_id FROM suite.event_queue
                WHERE consumer = \(name) AND available_at <= now()
                ORDER BY event_id LIMIT \(unsafeRaw: String(Self.batchSize)) FOR UPDATE SKIP LOCKED
            ), claimed AS (
                DELETE FROM suite.event_queue q WHERE q.ctid = ANY (ARRAY(SELECT row_id FROM picked))
                RETURNING q.event_id, q.attempts
            )
            SELECT \(unsafeRaw: StoredEvent.columns), claimed.attempts
            FROM suite.events e JOIN claimed ON claimed.event_id = e.id
            ORDER BY e.id
            """).map { (try StoredEvent(row: $0), try $0.decode(Int.self, "attempts")) }
    }

    /// Queues a failed event again with exponential backoff (capped at ten minutes) and its error.
    private func postpone(_ eventID: Int64, attempts: Int, failure: any Error, on session: PostgresSession) async throws {
        logger.warning("event \(eventID) failed in \(name): \(failure)")
        try await session.execute("""
            INSERT INTO suite.event_queue (consumer, event_id, attempts, available_at, last_error)
            VALUES (\(name), \(eventID), \(attempts + 1),
                    now() + least(interval '10 minutes', interval '1 second' * power(2, \(attempts))), \(String(describing: failure)))
            """)
    }
}
