import Foundation
import Postgres
import ServiceKit

/// What reward campaigns need of the customers: segment names, and who a campaign aimed at levels or segments reaches.
extension CustomersLibrary {
    /// The store's segments by id, with their names.
    public static func segmentNames(on database: some PostgresQueryable, storeID: UUID) async throws -> [UUID: String] {
        var names: [UUID: String] = [:]
        for row in try await database.query("SELECT id, name FROM customers.segments WHERE store_id = \(storeID)") {
            names[try row.decode(UUID.self, "id")] = try row.decode(String.self, "name")
        }
        return names
    }

    /// How many live customers are on one of `levels` or in one of `segments`.
    public static func targetedCustomerCount(
        on database: some PostgresQueryable, storeID: UUID, levels: [UUID], segments: [UUID]
    ) async throws -> Int {
        guard !levels.isEmpty || !segments.isEmpty else { return 0 }
        return try await database.query("""
            SELECT count(*) FROM customers.customers c
            WHERE c.store_id = \(storeID) AND c.status <> 'deleted'
              AND (c.level_id = ANY(\(SQLArray.uuids(levels))::uuid[])
                   OR EXISTS (SELECT 1 FROM customers.segment_members m
                              WHERE m.store_id = c.store_id AND m.customer_id = c.id AND m.segment_id = ANY(\(SQLArray.uuids(segments))::uuid[])))
            """).scalar(Int.self)
    }

    /// A page of the live customers on one of `levels` or in one of `segments`, by registration.
    public static func targetedCustomers(
        on database: some PostgresQueryable, storeID: UUID, levels: [UUID], segments: [UUID], limit: Int, offset: Int
    ) async throws -> [CustomerSummary] {
        guard !levels.isEmpty || !segments.isEmpty else { return [] }
        return try await database.query("""
            SELECT \(unsafeRaw: CustomerSummary.columns) FROM customers.customers c
            WHERE c.store_id = \(storeID) AND c.status <> 'deleted'
              AND (c.level_id = ANY(\(SQLArray.uuids(levels))::uuid[])
                   OR EXISTS (SELECT 1 FROM customers.segment_members m
                              WHERE m.store_id = c.store_id AND m.customer_id = c.id AND m.segment_id = ANY(\(SQLArray.uuids(segments))::uuid[])))
            ORDER BY c.created_at, c.id LIMIT \(limit) OFFSET \(offset)
            """).map(CustomerSummary.init(row:))
    }
}
