import NIOPosix

/// Something statements can run on: the pool (each statement on any free connection, autocommit) or a
/// session / transaction holding one connection. Repositories take `some PostgresQueryable`, so the same
/// method works alone or inside a caller's transaction.
public protocol PostgresQueryable: Sendable {
    /// Runs one statement and returns its rows.
    func query(_ sql: SQL) async throws -> PostgresRows
}

extension PostgresQueryable {
    /// Runs a statement for its effect and returns the number of affected rows.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> Int {
        try await query(sql).affectedRows
    }

    /// Sends a notification on `channel` (delivered at commit when inside a transaction).
    public func notify(_ channel: String, payload: String = "") async throws {
        _ = try await query("SELECT pg_notify(\(channel), \(payload))")
    }
}

/// A leased connection. Valid only inside the closure that received it.
public struct PostgresSession: PostgresQueryable, @unchecked Sendable {
    let connection: PostgresConnection
    let threadPool: NIOThreadPool
    /// The thread the lease's task prefers: on it, libpq is called in line.
    let thread: ConnectionThread?

    public func query(_ sql: SQL) async throws -> PostgresRows {
        try await run { [connection] in try connection.query(sql.text, sql.binds) }
    }

    /// Runs a blocking libpq call: in line on the lease's own thread, else on the pool's thread pool.
    private func run<Value: Sendable>(_ call: @Sendable @escaping () throws -> Value) async throws -> Value {
        if thread?.isCurrent == true { return try call() }
        return try await threadPool.runIfActive(call)
    }

    /// Sets a savepoint inside a transaction. It costs no round trip of its own: it travels with the next statement.
    public func savepoint(_ name: String) {
        connection.deferred.append("SAVEPOINT \(name)")
    }

    /// Releases a savepoint; like `savepoint`, it travels with the next statement (nothing at all when no
    /// statement ran since the savepoint was set).
    public func releaseSavepoint(_ name: String) {
        if connection.deferred.last == "SAVEPOINT \(name)" {
            connection.deferred.removeLast()
        } else {
            connection.deferred.append("RELEASE SAVEPOINT \(name)")
        }
    }

    /// Undoes what ran since the savepoint (nothing to send when no statement ran since it was set).
    public func rollbackToSavepoint(_ name: String) async throws {
        if let index = connection.deferred.lastIndex(of: "SAVEPOINT \(name)") {
            connection.deferred.removeSubrange(index...)
        } else {
            try await simpleQuery("ROLLBACK TO SAVEPOINT \(name)")
        }
    }

    /// Runs several `;`-separated statements without parameters.
    @discardableResult
    public func simpleQuery(_ text: String) async throws -> PostgresRows {
        try await run { [connection] in try connection.simpleQuery(text) }
    }
}
