/// The rows a statement returned, copied out of libpq so they outlive the connection's lease.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [String]
    let columnIndex: [String: Int]
    /// Row-major cells; nil is SQL NULL.
    let cells: [String?]
    /// Rows affected by INSERT/UPDATE/DELETE (or returned by SELECT).
    public let affectedRows: Int

    init(columns: [String], cells: [String?], affectedRows: Int) {
        self.columns = columns
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.columnIndex = index
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, row: position) }

    /// The first row, or nil when there is none.
    public var firstRow: PostgresRow? { isEmpty ? nil : self[0] }

    /// The single value of a one-row, one-column result (`SELECT count(*) …`).
    public func scalar<Value: PostgresDecodable>(_ type: Value.Type = Value.self) throws -> Value {
        guard let row = firstRow else { throw PostgresError.decoding("expected one row, got none") }
        return try row.decode(type, at: 0)
    }
}

/// One row; columns are read by name or position with typed decoding.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let row: Int

    /// The raw text of a cell, nil for NULL.
    public func text(at column: Int) -> String? {
        rows.cells[row * rows.columns.count + column]
    }

    /// Decodes column `name`. Decoding NULL into a non-optional type throws.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, _ name: String) throws -> Value {
        guard let column = rows.columnIndex[name] else {
            throw PostgresError.decoding("no column \"\(name)\" in result (\(rows.columns.joined(separator: ", ")))")
        }
        return try decode(type, at: column, name: name)
    }

    /// Decodes the column at `column` (0-based).
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, at column: Int) throws -> Value {
        guard column < rows.columns.count else { throw PostgresError.decoding("no column \(column) in result") }
        return try decode(type, at: column, name: rows.columns[column])
    }

    /// Shorthand for `decode(_:_:)` when the type is inferred: `let code: String = try row["code"]`.
    public subscript<Value: PostgresDecodable>(_ name: String) -> Value {
        get throws { try decode(Value.self, name) }
    }

    private func decode<Value: PostgresDecodable>(_ type: Value.Type, at column: Int, name: String) throws -> Value {
        guard let text = text(at: column) else {
            if let nullable = Value.self as? any PostgresNullable.Type, let null = nullable.postgresNull as? Value {
                return null
            }
            throw PostgresError.decoding("column \"\(name)\" is NULL but \(Value.self) is not optional")
        }
        do {
            return try Value(postgresText: text)
        } catch let error as PostgresError {
            throw PostgresError.decoding("column \"\(name)\": \(error.message)")
        }
    }
}

/// Types that can hold SQL NULL: `Optional`.
public protocol PostgresNullable {
    static var postgresNull: Self { get }
}

extension Optional: PostgresNullable {
    public static var postgresNull: Self { nil }
}
