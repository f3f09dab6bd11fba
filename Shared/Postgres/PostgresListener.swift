import Foundation
import Logging
import Synchronization

/// What a `PostgresListener` subscriber receives.
public enum PostgresNotification: Sendable, Equatable {
    /// A `NOTIFY channel, 'payload'`.
    case message(channel: String, payload: String)
    /// The listening connection was (re)established: notifications sent while it was down are lost, so a
    /// consumer should look for pending work now instead of waiting for the next message.
    case connected
}

/// LISTEN on a dedicated connection, with reconnection.
///
/// A background thread owns the connection: it waits on the socket, hands each notification to the
/// subscribers of its channel, and after any failure reconnects with backoff and LISTENs again.
public final class PostgresListener: Sendable {
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    private let pollInterval: Int32 = 200

    private struct State {
        var subscribers: [String: [UUID: AsyncStream<PostgresNotification>.Continuation]] = [:]
        /// Channels subscribed to but not yet LISTENed on the current connection.
        var pendingChannels: Set<String> = []
        var isRunning = false
        var isStopped = false
    }

    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "postgres.listener")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Subscribes to `channel`. The stream yields `.connected` whenever the listening connection is (re)made,
    /// then every notification; it finishes when the listener stops or the consumer stops iterating.
    public func notifications(on channel: String) -> AsyncStream<PostgresNotification> {
        let (stream, continuation) = AsyncStream<PostgresNotification>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let id = UUID()
        let shouldStart = state.withLock { state -> Bool in
            state.subscribers[channel, default: [:]][id] = continuation
            state.pendingChannels.insert(channel)
            defer { state.isRunning = true }
            return !state.isRunning && !state.isStopped
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in _ = state.subscribers[channel]?.removeValue(forKey: id) }
        }
        if shouldStart { startThread() }
        return stream
    }

    /// Stops the background thread and finishes every subscriber's stream.
    public func shutdown() {
        let continuations = state.withLock { state -> [AsyncStream<PostgresNotification>.Continuation] in
            state.isStopped = true
            defer { state.subscribers = [:] }
            return state.subscribers.values.flatMap { $0.values }
        }
        continuations.forEach { $0.finish() }
    }

    private var isStopped: Bool { state.withLock { $0.isStopped } }

    private func startThread() {
        let thread = Thread { [self] in run() }
        thread.name = "postgres-listener"
        thread.start()
    }

    private func run() {
        var backoff = 0.1
        while !isStopped {
            do {
                let connection = try PostgresConnection.connect(configuration)
                backoff = 0.1
                try listenAll(on: connection, reconnecting: true)
                deliver(to: nil, .connected)
                try pump(connection)
            } catch {
                if isStopped { break }
                logger.warning("listener connection lost: \(error); reconnecting in \(backoff)s")
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }

    /// Waits for input and dispatches notifications until the connection fails or the listener stops.
    private func pump(_ connection: PostgresConnection) throws {
        var idleCycles = 0
        while !isStopped {
            try listenAll(on: connection, reconnecting: false)
            if connection.socketIsReadable(timeoutMilliseconds: pollInterval) {
                idleCycles = 0
                for notification in try connection.receiveNotifications() {
                    deliver(to: notification.channel, .message(channel: notification.channel, payload: notification.payload))
                }
            } else {
                idleCycles += 1
                // A quiet socket proves nothing about a dead peer: ask the server now and then.
                if idleCycles * Int(pollInterval) >= 15_000 {
                    idleCycles = 0
                    try connection.simpleQuery("SELECT 1")
                }
            }
        }
    }

    /// LISTENs on channels not yet listened on this connection (all of them after a reconnect).
    private func listenAll(on connection: PostgresConnection, reconnecting: Bool) throws {
        let channels = state.withLock { state -> Set<String> in
            let channels = reconnecting ? Set(state.subscribers.keys).union(state.pendingChannels) : state.pendingChannels
            state.pendingChannels = []
            return channels
        }
        for channel in channels {
            do {
                try connection.simpleQuery("LISTEN \"\(channel.replacingOccurrences(of: "\"", with: "\"\""))\"")
            } catch {
                state.withLock { _ = $0.pendingChannels.insert(channel) }
                throw error
            }
        }
        if !reconnecting && !channels.isEmpty {
            for channel in channels { deliver(to: channel, .connected) }
        }
    }

    /// Yields to the subscribers of `channel`, or to everyone when `channel` is nil.
    private func deliver(to channel: String?, _ notification: PostgresNotification) {
        let continuations = state.withLock { state -> [AsyncStream<PostgresNotification>.Continuation] in
            if let channel { return state.subscribers[channel].map { Array($0.values) } ?? [] }
            return state.subscribers.values.flatMap { $0.values }
        }
        continuations.forEach { $0.yield(notification) }
    }
}
