import Foundation
import Postgres
import ServiceKit

/// A store as the Store API shows it.
struct StoreRecord: Sendable, Hashable {
    var store: Store
    var createdAt: Date

    init(row: PostgresRow) throws {
        store = Store(
            id: try row.decode(UUID.self, "id"), code: try row.decode(String.self, "code"),
            name: try row.decode(String.self, "name"), currency: try row.decode(String.self, "currency"),
            active: try row.decode(Bool.self, "active")
        )
        createdAt = try row.decode(Date.self, "created_at")
    }
}

/// Filters of `GET /api/store`.
struct StoreFilter: Sendable {
    var active: Bool?
    var name: String?
}

/// The stores' table (`auth.stores`). Every change NOTIFYs `stores_changed` through the table's trigger.
struct StoreRepository: Sendable {
    /// Raised instead of SQLSTATE 23505 on `stores_code_key`.
    struct DuplicateCode: Error {}

    static let columns = "id, code, name, currency, active, created_at"
    static let sortable = ["code": "code", "name": "name", "currency": "currency", "active": "active", "createdAt": "created_at"]

    func create(on database: some PostgresQueryable, code: String, name: String, currency: String, active: Bool) async throws -> StoreRecord {
        try await mapDuplicate {
            try await database.query("""
                INSERT INTO auth.stores (code, name, currency, active) VALUES (\(code), \(name), \(currency), \(active))
                RETURNING \(unsafeRaw: Self.columns)
                """).firstRow.map(StoreRecord.init(row:))
        }.orThrow(APIError.notFound)
    }

    func find(on database: some PostgresQueryable, id: UUID) async throws -> StoreRecord? {
        try await database.query("SELECT \(unsafeRaw: Self.columns) FROM auth.stores WHERE id = \(id)").firstRow.map(StoreRecord.init(row:))
    }

    /// Locks the store's row for an update in the same transaction.
    func findForUpdate(on database: some PostgresQueryable, id: UUID) async throws -> StoreRecord? {
        try await database.query("SELECT \(unsafeRaw: Self.columns) FROM auth.stores WHERE id = \(id) FOR UPDATE").firstRow.map(StoreRecord.init(row:))
    }

    func codeIsTaken(on database: some PostgresQueryable, code: String, excluding id: UUID?) async throws -> Bool {
        try await database.query("""
            SELECT EXISTS (SELECT 1 FROM auth.stores WHERE code = \(code) AND id IS DISTINCT FROM \(id)) AS taken
            """).scalar(Bool.self)
    }

    func list(on database: some PostgresQueryable, filter: StoreFilter, page: Pagination) async throws -> (stores: [StoreRecord], total: Int) {
        let condition = whereClause(filter)
        let stores = try await database.query("SELECT \(unsafeRaw: Self.columns) FROM auth.stores WHERE \(condition)" + page.orderAndLimit())
            .map(StoreRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM auth.stores WHERE \(condition)").scalar(Int.self)
        return (stores, total)
    }

    func update(on database: some PostgresQueryable, _ store: Store) async throws {
        try await mapDuplicate {
            try await database.execute("""
                UPDATE auth.stores SET code = \(store.code), name = \(store.name), currency = \(store.currency), active = \(store.active)
                WHERE id = \(store.id)
                """)
        }
    }

    private func whereClause(_ filter: StoreFilter) -> SQL {
        var parts: [SQL] = ["true"]
        if let active = filter.active { parts.append("active = \(active)") }
        if let name = filter.name { parts.append("name ILIKE '%' || \(LikePattern.escaped(name)) || '%'") }
        return SQL.joined(parts, separator: " AND ")
    }

    @discardableResult
    private func mapDuplicate<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "stores_code_key" {
            throw DuplicateCode()
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
enum LikePattern {
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
