import Foundation
import Postgres
import ServiceKit

/// A segment as stored.
struct SegmentRecord: Sendable {
    var storeID: UUID
    var id: UUID
    var name: String
    var description: String?
    var active: Bool
    var parts: [SegmentPart]
    var customersCount: Int
    var createdAt: Date
}

/// A segment as SG-01/SG-03 show it (extensions §2.5).
struct SegmentView: Encodable {
    let segmentId: String
    let name: String
    let description: String?
    let active: Bool
    let createdAt: String
    let customersCount: Int
    let parts: [JSONValue]

    init(_ segment: SegmentRecord, segmentedCustomers: [UUID: [JSONValue]] = [:]) {
        segmentId = segment.id.text
        name = segment.name
        description = segment.description
        active = segment.active
        createdAt = Timestamps.compact(segment.createdAt)
        customersCount = segment.customersCount
        parts = segment.parts.map { part in
            .object([
                "segmentPartId": .string(part.id.text),
                "criteria": .array(part.criteria.map { criterion in
                    var object = criterion.json.object
                    for key in ["fromAmount", "toAmount"] {
                        if let text = object[key]?.text, let value = Double(text) { object[key] = .integer(Int64(value.rounded())) }
                    }
                    if let members = segmentedCustomers[criterion.id] { object["segmentedCustomers"] = .array(members) }
                    return .object(object)
                }),
            ])
        }
    }
}

/// SQL over `customers.segments` and `customers.segment_members`.
struct SegmentRepository: Sendable {
    enum Duplicate: Error { case name }

    static let sortable = [
        "segmentId": "id", "name": "lower(name)", "createdAt": "created_at", "active": "active", "customersCount": "customers_count",
    ]
    static let columns = "store_id, id, name, description, active, parts, customers_count, created_at"

    func find(on database: some PostgresQueryable, storeID: UUID, id: UUID, lock: Bool = false) async throws -> SegmentRecord? {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM customers.segments WHERE store_id = \(storeID) AND id = \(id) \(unsafeRaw: lock ? "FOR UPDATE" : "")
            """).firstRow.map(SegmentRecord.init(row:))
    }

    func list(on database: some PostgresQueryable, storeID: UUID, activeOnly: Bool, page: Pagination) async throws -> ([SegmentRecord], Int) {
        let condition: SQL = "store_id = \(storeID) AND (\(!activeOnly) OR active)"
        let items = try await database.query("SELECT \(unsafeRaw: Self.columns) FROM customers.segments WHERE \(condition) \(page.orderAndLimit())")
            .map(SegmentRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM customers.segments WHERE \(condition)").scalar(Int.self)
        return (items, total)
    }

    func active(on database: some PostgresQueryable, storeID: UUID) async throws -> [SegmentRecord] {
        try await database.query("SELECT \(unsafeRaw: Self.columns) FROM customers.segments WHERE store_id = \(storeID) AND active ORDER BY id")
            .map(SegmentRecord.init(row:))
    }

    func nameIsTaken(on database: some PostgresQueryable, storeID: UUID, name: String, excluding id: UUID?) async throws -> Bool {
        try await database.query("""
            SELECT EXISTS (SELECT 1 FROM customers.segments WHERE store_id = \(storeID) AND lower(name) = lower(\(name))
                           AND id IS DISTINCT FROM \(id)) AS taken
            """).scalar(Bool.self)
    }

    func save(on database: some PostgresQueryable, _ segment: SegmentRecord) async throws {
        let parts = try JSONB(encoding: JSONValue.array(segment.parts.map(\.json)))
        do {
            try await database.execute("""
                INSERT INTO customers.segments (store_id, id, name, description, active, parts, created_at)
                VALUES (\(segment.storeID), \(segment.id), \(segment.name), \(segment.description), \(segment.active), \(parts)::jsonb, \(segment.createdAt))
                ON CONFLICT (store_id, id) DO UPDATE SET name = excluded.name, description = excluded.description,
                    active = excluded.active, parts = excluded.parts, updated_at = now()
                """)
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "segments_name_key" {
            throw Duplicate.name
        }
    }

    func delete(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await database.execute("DELETE FROM customers.segments WHERE store_id = \(storeID) AND id = \(id)") > 0
    }
}

extension SegmentRecord {
    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        description = try row.decode(String?.self, "description")
        active = try row.decode(Bool.self, "active")
        parts = (JSONValue(try row.decode(JSONB.self, "parts")).array ?? []).compactMap(SegmentPart.init(json:))
        customersCount = try row.decode(Int.self, "customers_count")
        createdAt = try row.decode(Date.self, "created_at")
    }
}
