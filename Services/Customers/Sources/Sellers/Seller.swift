import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// A seller (POS operator). Its log-in credentials live in the auth library's table.
struct SellerRecord: Sendable {
    var storeID: UUID
    var id: UUID
    var firstName: String
    var lastName: String
    var email: String?
    var phone: String?
    var posID: UUID?
    var active: Bool
    var deleted: Bool
    var allowPointTransfer: Bool
    var createdAt: Date
    /// Joined from the POS.
    var posName: String?
    var posCity: String?
}

/// A seller as SL-01/03 show it (extensions §4.1).
struct SellerView: Encodable {
    let name: String
    let sellerId: String
    let firstName: String
    let lastName: String
    let email: String?
    let phone: String?
    let posId: String?
    let posName: String?
    let posCity: String?
    let active: Bool
    let deleted: Bool
    let allowPointTransfer: Bool

    init(_ seller: SellerRecord) {
        name = "\(seller.firstName) \(seller.lastName)"
        sellerId = seller.id.text
        firstName = seller.firstName
        lastName = seller.lastName
        email = seller.email
        phone = seller.phone
        posId = seller.posID?.text
        posName = seller.posName
        posCity = seller.posCity
        active = seller.active
        deleted = seller.deleted
        allowPointTransfer = seller.allowPointTransfer
    }
}

/// SQL over `customers.sellers`; every method takes the store first.
struct SellerRepository: Sendable {
    static let columns = """
        s.store_id, s.id, s.first_name, s.last_name, s.email, s.phone, s.pos_id, s.active, s.deleted, s.allow_point_transfer,
        s.created_at, p.name AS pos_name, p.city AS pos_city
        """
    static let from = "customers.sellers s LEFT JOIN customers.pos p ON p.store_id = s.store_id AND p.id = s.pos_id"
    static let sortable = [
        "sellerId": "s.id", "firstName": "lower(s.first_name)", "lastName": "lower(s.last_name)", "email": "lower(s.email)",
        "createdAt": "s.created_at", "active": "s.active", "posName": "p.name",
    ]

    /// A seller that is not deleted.
    func find(on database: some PostgresQueryable, storeID: UUID, id: UUID, lock: Bool = false) async throws -> SellerRecord? {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from)
            WHERE s.store_id = \(storeID) AND s.id = \(id) AND NOT s.deleted \(unsafeRaw: lock ? "FOR UPDATE OF s" : "")
            """).firstRow.map(SellerRecord.init(row:))
    }

    func exists(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await find(on: database, storeID: storeID, id: id) != nil
    }

    func list(on database: some PostgresQueryable, storeID: UUID, where condition: SQL, page: Pagination) async throws -> (sellers: [SellerRecord], total: Int) {
        let scoped: SQL = "s.store_id = \(storeID) AND NOT s.deleted AND \(condition)"
        let items = try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE \(scoped) \(page.orderAndLimit(tieBreaker: "s.id"))
            """).map(SellerRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM \(unsafeRaw: Self.from) WHERE \(scoped)").scalar(Int.self)
        return (items, total)
    }

    func save(on database: some PostgresQueryable, _ seller: SellerRecord) async throws {
        try await database.execute("""
            INSERT INTO customers.sellers (store_id, id, first_name, last_name, email, phone, pos_id, active, deleted,
                allow_point_transfer, created_at)
            VALUES (\(seller.storeID), \(seller.id), \(seller.firstName), \(seller.lastName), \(seller.email), \(seller.phone),
                \(seller.posID), \(seller.active), \(seller.deleted), \(seller.allowPointTransfer), \(seller.createdAt))
            ON CONFLICT (store_id, id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
                email = excluded.email, phone = excluded.phone, pos_id = excluded.pos_id, active = excluded.active,
                deleted = excluded.deleted, allow_point_transfer = excluded.allow_point_transfer, updated_at = now()
            """)
    }
}

extension SellerRecord {
    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        id = try row.decode(UUID.self, "id")
        firstName = try row.decode(String.self, "first_name")
        lastName = try row.decode(String.self, "last_name")
        email = try row.decode(String?.self, "email")
        phone = try row.decode(String?.self, "phone")
        posID = try row.decode(UUID?.self, "pos_id")
        active = try row.decode(Bool.self, "active")
        deleted = try row.decode(Bool.self, "deleted")
        allowPointTransfer = try row.decode(Bool.self, "allow_point_transfer")
        createdAt = try row.decode(Date.self, "created_at")
        posName = try row.decode(String?.self, "pos_name")
        posCity = try row.decode(String?.self, "pos_city")
    }
}
