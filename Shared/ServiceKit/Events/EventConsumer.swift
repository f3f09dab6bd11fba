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
    /// The claimed queue rows stay locked for the whole transaction, so no other replica can take them.
    /// Each handler runs behind a savepoint: when it fails, its writes are undone and that event alone is
    /// postponed, still locked. A transient error (serialization failure, deadlock) retries the whole batch.
    func handleBatch() async throws -> Int {
        try await pool.transaction { session in
            let events = try await claim(on: session)
            var handled: [Int64] = []
            for event in events {
                session.savepoint("handler")
                do {
                    try await handler(event, session)
                    session.releaseSavepoint("handler")
                    handled.append(event.id)
                } catch let error as PostgresError where error.isTransient {
                    throw error
                } catch {
                    try await session.rollbackToSavepoint("handler")
                    try await postpone(event.id, failure: error, on: session)
                }
            }
            if !handled.isEmpty {
                try await session.execute("DELETE FROM suite.event_queue WHERE consumer = \(name) AND event_id = ANY(\(handled))")
            }
            return events.count
        }
    }

    private func claim(on session: PostgresSession) async throws -> [StoredEvent] {
        try await session.query("""
            SELECT \(unsafeRaw: StoredEvent.columns)
            FROM suite.events e
            JOIN (SELECT event_id FROM suite.event_queue
                  WHERE consumer = \(name) AND available_at <= now()
                  ORDER BY event_id LIMIT \(Self.batchSize) FOR UPDATE SKIP LOCKED) claimed ON claimed.event_id = e.id
            ORDER BY e.id
            """).map(StoredEvent.init(row:))
    }

    /// Puts a failed event back with exponential backoff (capped at ten minutes) and its error.
    private func postpone(_ eventID: Int64, failure: any Error, on session: PostgresSession) async throws {
        logger.warning("event \(eventID) failed in \(name): \(failure)")
        try await session.execute("""
            UPDATE suite.event_queue SET
                attempts = attempts + 1,
                available_at = now() + least(interval '10 minutes', interval '1 second' * power(2, attempts)),
                last_error = \(String(describing: failure))
            WHERE consumer = \(name) AND event_id = \(eventID)
            """)
    }
}
