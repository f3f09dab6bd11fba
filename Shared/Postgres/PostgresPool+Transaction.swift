import Logging

/// Isolation levels for `PostgresPool.transaction`.
public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresPool {
    /// Runs `body` in a transaction on one connection: BEGIN, body, COMMIT — or ROLLBACK when it throws.
    /// BEGIN costs no round trip of its own: it is pipelined with the body's first statement.
    ///
    /// When PostgreSQL aborts the transaction for a serialization failure (40001), a deadlock (40P01) or a
    /// lost connection before COMMIT, the whole body runs again, up to `maxAttempts` times, after a short
    /// randomized pause. The body must therefore only touch the database and values it computes itself.
    public func transaction<Result>(
        isolation: IsolationLevel = .readCommitted,
        maxAttempts: Int = 8,
        _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await runOnce(isolation: isolation, body)
            } catch let error as PostgresError where error.isTransient && attempt < maxAttempts {
                logger.debug("retrying transaction after \(error)", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
                attempt += 1
            }
        }
    }

    private func runOnce<Result>(
        isolation: IsolationLevel, _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        try await withConnection { session in
            // BEGIN goes out with the body's first statement; a body that runs none sends nothing at all.
            let begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)"
            session.connection.deferred = [begin]
            defer { session.connection.deferred = [] }
            let result: Result
            do {
                result = try await body(session)
            } catch {
                let begun = session.connection.deferred.first != begin
                session.connection.deferred = []
                if begun, !session.connection.isBroken { _ = try? await session.simpleQuery("ROLLBACK") }
                throw error
            }
            guard session.connection.deferred.first != begin else { return result }
            do {
                try await session.simpleQuery("COMMIT")
            } catch var error as PostgresError where error.kind == .connection {
                // The COMMIT may or may not have reached the server: never replay it blindly.
                error.kind = .server
                error.message = "connection lost during COMMIT; the outcome is unknown: \(error.message)"
                throw error
            }
            return result
        }
    }
}
