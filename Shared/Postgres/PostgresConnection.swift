import CLibPQ
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection. Every call blocks, so callers run it on the pool's thread pool — never on an
/// event loop — and never use one connection from two threads at once (the pool's lease guarantees it).
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Statements prepared on this connection, by SQL text: hot queries are parsed and planned once.
    private var preparedStatements: [String: String] = [:]
    private static let preparedStatementLimit = 512
    /// Set when libpq reports the connection unusable; the pool then discards it.
    private(set) var isBroken = false
    /// Statements without parameters or results that wait for the next statement and travel with it, in the same
    /// round trip: a transaction's `BEGIN`, `SAVEPOINT`s and `RELEASE`s (see `PostgresSession`).
    var deferred: [String] = []

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a connection (blocking).
    static func connect(_ configuration: PostgresConfiguration) throws -> PostgresConnection {
        guard let handle = PQconnectdb(configuration.connectionString) else {
            throw PostgresError.connection("libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmedWhitespace
            PQfinish(handle)
            throw PostgresError.connection(message)
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return PostgresConnection(handle: handle)
    }

    // MARK: Statements

    /// Runs one statement with bound text parameters, preparing it on first use.
    func query(_ text: String, _ binds: [String?]) throws -> PostgresRows {
        if !deferred.isEmpty {
            let prefix = deferred
            deferred = []
            return try pipelined(after: prefix, text, binds)
        }
        if let name = preparedStatements[text] {
            return try executePrepared(name, binds)
        }
        guard preparedStatements.count < Self.preparedStatementLimit else {
            return try executeUnnamed(text, binds)
        }
        let name = "s\(preparedStatements.count + 1)"
        let prepared = try check(PQprepare(handle, name, text, Int32(binds.count), nil))
        PQclear(prepared)
        preparedStatements[text] = name
        return try executePrepared(name, binds)
    }

    /// Runs one or more `;`-separated statements without parameters (migrations, BEGIN/COMMIT).
    @discardableResult
    func simpleQuery(_ text: String) throws -> PostgresRows {
        var last: PostgresRows?
        let text = (deferred + [text]).joined(separator: "; ")
        deferred = []
        guard PQsendQuery(handle, text) == 1 else { throw connectionError() }
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            do {
                let checked = try check(result)
                last = rows(of: checked)
                PQclear(checked)
            } catch let error as PostgresError {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return last ?? PostgresRows(columns: [], cells: [], affectedRows: 0)
    }

    /// Sends the `prefix` statements and then the statement (prepared on first use) in one pipeline: one round trip.
    /// Every result is read before leaving pipeline mode, failed or not; the first failure is thrown.
    private func pipelined(after prefix: [String], _ text: String, _ binds: [String?]) throws -> PostgresRows {
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError() }
        var name = preparedStatements[text]
        let preparesNow = name == nil && preparedStatements.count < Self.preparedStatementLimit
        let sent = withParameterPointers(binds) { values -> Bool in
            for statement in prefix where PQsendQueryParams(handle, statement, 0, nil, nil, nil, nil, 0) != 1 { return false }
            if preparesNow {
                let newName = "s\(preparedStatements.count + 1)"
                guard PQsendPrepare(handle, newName, text, Int32(binds.count), nil) == 1 else { return false }
                name = newName
            }
            let queued = name.map { PQsendQueryPrepared(handle, $0, Int32(binds.count), values, nil, nil, 0) }
                ?? PQsendQueryParams(handle, text, Int32(binds.count), nil, values, nil, nil, 0)
            return queued == 1 && PQpipelineSync(handle) == 1
        }
        guard sent else {
            isBroken = true
            throw connectionError()
        }
        var firstError: PostgresError?
        var last: PostgresRows?
        var preparedOK = false
        var commands = 0
        while true {
            guard let result = PQgetResult(handle) else {
                // NULL ends one command's results; the sync point ends the pipeline.
                if PQstatus(handle) != CONNECTION_OK { isBroken = true; break }
                continue
            }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC { PQclear(result); break }
            commands += 1
            if status == PGRES_PIPELINE_ABORTED {
                PQclear(result)
                continue
            }
            do {
                let checked = try check(result)
                if preparesNow, commands == prefix.count + 1 { preparedOK = true }
                last = rows(of: checked)
                PQclear(checked)
            } catch let error as PostgresError {
                firstError = firstError ?? error
            }
        }
        if PQexitPipelineMode(handle) != 1 { isBroken = true }
        if preparedOK, let name { preparedStatements[text] = name }
        if let firstError { throw firstError }
        guard !isBroken, let last else { throw connectionError() }
        return last
    }

    private func executePrepared(_ name: String, _ binds: [String?]) throws -> PostgresRows {
        try withParameterPointers(binds) { values in
            let result = try check(PQexecPrepared(handle, name, Int32(binds.count), values, nil, nil, 0))
            defer { PQclear(result) }
            return rows(of: result)
        }
    }

    private func executeUnnamed(_ text: String, _ binds: [String?]) throws -> PostgresRows {
        try withParameterPointers(binds) { values in
            let result = try check(PQexecParams(handle, text, Int32(binds.count), nil, values, nil, nil, 0))
            defer { PQclear(result) }
            return rows(of: result)
        }
    }

    private func withParameterPointers<T>(
        _ binds: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> T
    ) rethrows -> T {
        let owned: [UnsafeMutablePointer<CChar>?] = binds.map { $0.map { strdup($0) } }
        defer { owned.forEach { free($0) } }
        let pointers = owned.map { UnsafePointer($0) }
        return try pointers.withUnsafeBufferPointer { try body($0.baseAddress) }
    }

    private func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                cells.append(PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
        return PostgresRows(columns: columns, cells: cells, affectedRows: affected)
    }

    // MARK: Errors

    private func check(_ result: OpaquePointer?) throws -> OpaquePointer {
        guard let result else { throw connectionError() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        default:
            var error = serverError(result)
            PQclear(result)
            if PQstatus(handle) != CONNECTION_OK {
                isBroken = true
                error.kind = .connection
            }
            throw error
        }
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmedWhitespace
        return PostgresError(
            kind: .server,
            message: message.isEmpty ? String(cString: PQerrorMessage(handle)).trimmedWhitespace : message,
            sqlState: field("C"), constraint: field("n"), detail: field("D"), table: field("t"), column: field("c")
        )
    }

    private func connectionError() -> PostgresError {
        isBroken = PQstatus(handle) != CONNECTION_OK || isBroken
        let message = String(cString: PQerrorMessage(handle)).trimmedWhitespace
        return PostgresError.connection(message.isEmpty ? "connection lost" : message)
    }

    // MARK: State

    /// True when the connection can take a statement: not known broken, not closed by the server while idle.
    /// An idle pooled connection receives nothing unless the server is going away (a restart sends a FATAL
    /// message, then EOF), so input pending on it is read until libpq sees the end or the socket goes quiet.
    func isUsable() -> Bool {
        guard !isBroken, PQstatus(handle) == CONNECTION_OK else { return false }
        var reads = 0
        while socketIsReadable(timeoutMilliseconds: reads == 0 ? 0 : 5) {
            reads += 1
            if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK || reads > 8 {
                isBroken = true
                return false
            }
        }
        return true
    }

    /// Whether a transaction is open (or failed and awaiting ROLLBACK).
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    func markBroken() { isBroken = true }

    // MARK: Notifications (used by the dedicated listener connection)

    /// Waits up to `timeoutMilliseconds` for input; true when the socket has data (or EOF).
    func socketIsReadable(timeoutMilliseconds: Int32) -> Bool {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, timeoutMilliseconds) > 0
    }

    /// Reads what arrived and returns the notifications among it; throws when the connection broke.
    func receiveNotifications() throws -> [(channel: String, payload: String)] {
        guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else { throw connectionError() }
        var notifications: [(channel: String, payload: String)] = []
        while let notification = PQnotifies(handle) {
            notifications.append((String(cString: notification.pointee.relname), String(cString: notification.pointee.extra)))
            PQfreemem(notification)
        }
        return notifications
    }
}
