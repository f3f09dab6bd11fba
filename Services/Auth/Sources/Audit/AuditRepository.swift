import Foundation
import Postgres
import ServiceKit

/// An audit-log entry as stored.
struct AuditRecord: Sendable {
    let id: UUID
    let createdAt: Date
    let eventType: String
    let entityType: String
    let entityID: String
    let username: String
    let userID: String
    let userType: String
    let data: JSONValue
    let ip: String

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        createdAt = try row.decode(Date.self, "created_at")
        eventType = try row.decode(String.self, "event_type")
        entityType = try row.decode(String.self, "entity_type")
        entityID = try row.decode(String.self, "entity_id")
        username = try row.decode(String.self, "username")
        userID = try row.decode(String.self, "user_id")
        userType = try row.decode(String.self, "user_type")
        data = JSONValue(try row.decode(JSONB.self, "data"))
        ip = try row.decode(String.self, "ip")
    }
}

/// The filters of EP-14 and EP-15, combined with AND; the date bounds are whole UTC days, inclusive.
struct AuditFilter: Sendable {
    var entityType: String?
    var eventType: String?
    var entityID: String?
    var username: String?
    var auditLogID: UUID?
    var createdFrom: LocalDate?
    var createdTo: LocalDate?

    var condition: SQL {
        var parts: [SQL] = ["true"]
        if let entityType { parts.append("entity_type = \(entityType)") }
        if let eventType { parts.append("event_type = \(eventType)") }
        if let entityID { parts.append("entity_id = \(entityID)") }
        if let username { parts.append("username = \(username)") }
        if let auditLogID { parts.append("id = \(auditLogID)") }
        if let createdFrom { parts.append("created_at >= \(Timestamp.startOfDay(createdFrom))") }
        if let createdTo { parts.append("created_at < \(Timestamp.startOfDay(createdTo.adding(days: 1)))") }
        return SQL.joined(parts, separator: " AND ")
    }
}

/// The audit log's table (`auth.audit_log`): listing, export and archiving.
struct AuditRepository: Sendable {
    static let columns = "id, created_at, event_type, entity_type, entity_id, username, user_id, user_type, data, ip"
    /// `firstName` is the documented default sort, which entries do not have: it means `createdAt` (platform §5.14).
    static let sortable = [
        "createdAt": "created_at", "firstName": "created_at", "eventType": "event_type", "entityType": "entity_type",
        "entityId": "entity_id", "username": "username", "auditLogId": "id",
    ]

    func list(on database: some PostgresQueryable, filter: AuditFilter, page: Pagination) async throws -> (logs: [AuditRecord], total: Int) {
        let logs = try await database.query("SELECT \(unsafeRaw: Self.columns) FROM auth.audit_log WHERE \(filter.condition)" + page.orderAndLimit())
            .map(AuditRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM auth.audit_log WHERE \(filter.condition)").scalar(Int.self)
        return (logs, total)
    }

    /// Every matching entry, sorted (export).
    func all(on database: some PostgresQueryable, filter: AuditFilter, sortColumn: String, direction: SortDirection) async throws -> [AuditRecord] {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM auth.audit_log WHERE \(filter.condition)
            ORDER BY \(unsafeRaw: sortColumn) \(unsafeRaw: direction.rawValue), id \(unsafeRaw: direction.rawValue)
            """).map(AuditRecord.init(row:))
    }

    /// The entries before `cutoff`, oldest first, locked for archiving.
    func entries(before cutoff: Date, on database: some PostgresQueryable) async throws -> [AuditRecord] {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM auth.audit_log WHERE created_at < \(cutoff) ORDER BY created_at, id FOR UPDATE
            """).map(AuditRecord.init(row:))
    }

    func delete(ids: [UUID], on database: some PostgresQueryable) async throws {
        try await database.execute("DELETE FROM auth.audit_log WHERE id = ANY(\(ids)::uuid[])")
    }

    /// Serializes archiving across replicas for the rest of the transaction.
    func lockArchiving(on database: some PostgresQueryable) async throws {
        _ = try await database.query("SELECT pg_advisory_xact_lock(hashtext('auth.audit_log archive')::bigint)")
    }
}
