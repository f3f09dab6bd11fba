import Foundation
import Logging
import NIOPosix
import Synchronization

/// A fixed-size pool of libpq connections.
///
/// Blocking libpq calls run on the pool's own thread pool (one thread per connection), never on NIO event
/// loops. A caller waits at most `acquireTimeout` for a connection. Connections that broke — or that the
/// server closed while idle, as after a restart — are discarded and replaced on demand, so the pool heals by
/// itself when PostgreSQL comes back.
public final class PostgresPool: PostgresQueryable, Sendable {
    public let configuration: PostgresConfiguration
    public let size: Int
    public let acquireTimeout: Duration
    let threadPool: NIOThreadPool
    let logger: Logger
    private let state = Mutex(State())
    /// Threads for the tasks that hold a connection, one per connection the pool may open (see `ConnectionThread`).
    private let freeThreads: Mutex<(threads: [ConnectionThread], closed: Bool)>

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections in existence or being opened.
        var opened = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var isClosed = false
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Grant, any Error>
    }

    /// What a caller is given: an idle connection, or the right to open a new one.
    private enum Grant {
        case existing(PostgresConnection)
        case openNew
    }

    public init(
        configuration: PostgresConfiguration,
        size: Int = 10,
        acquireTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "postgres")
    ) {
        precondition(size > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.size = size
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: size)
        threadPool.start()
        self.freeThreads = Mutex(((0..<size).map { ConnectionThread(name: "PG-\($0)") }, false))
    }

    /// Closes idle connections and refuses new work; waiting callers fail with `.poolClosed`.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { state -> ([PostgresConnection], [Waiter]) in
            state.isClosed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError(kind: .poolClosed, message: "pool closed")) }
        _ = idle
        try? await threadPool.shutdownGracefully()
        freeThreads.withLock { free in
            free.closed = true
            free.threads.forEach { $0.stop() }
            free.threads.removeAll()
        }
    }

    // MARK: Leasing

    /// Runs `body` with a connection of its own; the connection goes back to the pool afterwards.
    ///
    /// `body` runs on a thread of the pool's own, so its statements block that thread in line instead of hopping
    /// to another thread and back for each one.
    public func withConnection<Result>(_ body: (PostgresSession) async throws -> Result) async throws -> Result {
        let connection = try await acquire()
        let thread = freeThreads.withLock { $0.threads.popLast() }
        let session = PostgresSession(connection: connection, threadPool: threadPool, thread: thread)
        let outcome: Swift.Result<Result, any Error>
        do {
            outcome = .success(try await withTaskExecutorPreference(thread) { try await body(session) })
        } catch {
            outcome = .failure(error)
        }
        if let thread {
            // Step off the thread before handing it on, and hand it on before the connection: whoever gets the
            // connection next finds a free thread, and is not kept waiting behind the rest of this task.
            await withTaskExecutorPreference(globalConcurrentExecutor) {}
            giveBack(thread)
        }
        await release(connection)
        return try outcome.get()
    }

    /// Returns a lease's thread to the free list, or ends it when the pool has shut down meanwhile.
    private func giveBack(_ thread: ConnectionThread) {
        freeThreads.withLock { free in
            if free.closed { thread.stop() } else { free.threads.append(thread) }
        }
    }

    public func query(_ sql: SQL) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql) }
    }

    /// Checks that a connection can be had and answers `SELECT 1` (for health checks).
    public func ping() async throws {
        _ = try await query("SELECT 1")
    }

    /// Connections currently idle and open, for metrics and tests.
    public var statistics: (idle: Int, opened: Int, waiting: Int) {
        state.withLock { ($0.idle.count, $0.opened, $0.waiters.count) }
    }

    private func acquire() async throws -> PostgresConnection {
        while true {
            switch try await grant() {
            case .existing(let connection):
                if connection.isUsable() { return connection }
                logger.debug("discarding a connection the server closed")
                discard()
            case .openNew:
                do {
                    return try await threadPool.runIfActive { [configuration] in try PostgresConnection.connect(configuration) }
                } catch {
                    discard()
                    throw error
                }
            }
        }
    }

    private func grant() async throws -> Grant {
        let immediate: Result<Grant, PostgresError>? = state.withLock { state in
            if state.isClosed { return .failure(PostgresError(kind: .poolClosed, message: "pool closed")) }
            if let connection = state.idle.popLast() { return .success(.existing(connection)) }
            if state.opened < size {
                state.opened += 1
                return .success(.openNew)
            }
            return nil
        }
        if let immediate { return try immediate.get() }
        return try await waitForGrant()
    }

    private func waitForGrant() async throws -> Grant {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeout = Task { [acquireTimeout] in
            try await Task.sleep(for: acquireTimeout)
            self.failWaiter(id, with: PostgresError(
                kind: .poolTimeout,
                message: "no database connection became free within \(acquireTimeout) (pool size \(self.size))"
            ))
        }
        defer { timeout.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let grantedNow: Grant? = state.withLock { state in
                    if let connection = state.idle.popLast() { return .existing(connection) }
                    if state.opened < size {
                        state.opened += 1
                        return .openNew
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let grantedNow { continuation.resume(returning: grantedNow) }
            }
        } onCancel: {
            failWaiter(id, with: CancellationError())
        }
    }

    private func failWaiter(_ id: Int, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Returns a connection: to the longest waiting caller, else to the idle list. A connection left inside a
    /// transaction is rolled back first; one that cannot be is discarded.
    private func release(_ connection: PostgresConnection) async {
        if !connection.isBroken && connection.isInTransaction {
            _ = try? await threadPool.runIfActive { try connection.simpleQuery("ROLLBACK") }
        }
        guard !connection.isBroken && !connection.isInTransaction else {
            discard()
            return
        }
        let waiter = state.withLock { state -> Waiter? in
            if state.isClosed {
                state.opened -= 1
                return nil
            }
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: .existing(connection))
    }

    /// Forgets a connection; a waiting caller inherits the right to open a replacement.
    private func discard() {
        let waiter = state.withLock { state -> Waiter? in
            guard !state.isClosed, !state.waiters.isEmpty else {
                state.opened -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: .openNew)
    }
}
