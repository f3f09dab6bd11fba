import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// A point of sale.
struct PosRecord: Sendable {
    var storeID: UUID
    var id: UUID
    var name: String
    var identifier: String
    var description: String?
    var location: PosLocation
    var transactionsAmount: Amount
    var transactionsCount: Int
    var createdAt: Date
}

/// Where a POS is; `lat`/`long` are shown as `geoPoint` when both are set.
struct PosLocation: Sendable, Hashable {
    var street: String?
    var address1: String?
    var address2: String?
    var postal: String?
    var city: String?
    var province: String?
    var country: String?
    var lat: String?
    var long: String?
}

/// A POS as PS-01/03/04 show it (extensions §3.1).
struct PosView: Encodable {
    struct Location: Encodable {
        let street: String?
        let address1: String?
        let address2: String?
        let postal: String?
        let city: String?
        let province: String?
        let country: String?
        let geoPoint: GeoPoint?
    }

    struct GeoPoint: Encodable {
        let lat: String
        let long: String
    }

    let posId: String
    let name: String
    let identifier: String
    let description: String?
    let location: Location
    let transactionsAmount: Amount
    let transactionsCount: Int
    let currency: String

    init(_ pos: PosRecord, currency: String) {
        posId = pos.id.text
        name = pos.name
        identifier = pos.identifier
        description = pos.description
        let l = pos.location
        let geo: GeoPoint? = if let lat = l.lat, let long = l.long { GeoPoint(lat: lat, long: long) } else { nil }
        location = Location(
            street: l.street, address1: l.address1, address2: l.address2, postal: l.postal, city: l.city, province: l.province,
            country: l.country, geoPoint: geo
        )
        transactionsAmount = pos.transactionsAmount
        transactionsCount = pos.transactionsCount
        self.currency = currency
    }
}

/// SQL over `customers.pos`; every method takes the store first.
struct PosRepository: Sendable {
    static let columns = """
        store_id, id, name, identifier, description, street, address1, address2, postal, city, province, country, lat, long,
        transactions_amount, transactions_count, created_at
        """
    static let sortable = [
        "posId": "id", "name": "lower(name)", "identifier": "identifier", "createdAt": "created_at",
        "transactionsAmount": "transactions_amount", "transactionsCount": "transactions_count", "city": "city",
    ]

    func find(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> PosRecord? {
        try await database.query("SELECT \(unsafeRaw: Self.columns) FROM customers.pos WHERE store_id = \(storeID) AND id = \(id)")
            .firstRow.map(PosRecord.init(row:))
    }

    func find(on database: some PostgresQueryable, storeID: UUID, identifier: String) async throws -> PosRecord? {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM customers.pos WHERE store_id = \(storeID) AND identifier = \(identifier)
            ORDER BY created_at, id LIMIT 1
            """).firstRow.map(PosRecord.init(row:))
    }

    func exists(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT EXISTS (SELECT 1 FROM customers.pos WHERE store_id = \(storeID) AND id = \(id)) AS found")
            .scalar(Bool.self)
    }

    func list(on database: some PostgresQueryable, storeID: UUID, page: Pagination) async throws -> (pos: [PosRecord], total: Int) {
        let items = try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM customers.pos WHERE store_id = \(storeID) \(page.orderAndLimit())
            """).map(PosRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM customers.pos WHERE store_id = \(storeID)").scalar(Int.self)
        return (items, total)
    }

    /// Inserts or replaces a POS's data (the statistics are the ledger's and stay).
    func save(on database: some PostgresQueryable, _ pos: PosRecord) async throws {
        let l = pos.location
        try await database.execute("""
            INSERT INTO customers.pos (store_id, id, name, identifier, description, street, address1, address2, postal, city,
                province, country, lat, long, created_at)
            VALUES (\(pos.storeID), \(pos.id), \(pos.name), \(pos.identifier), \(pos.description), \(l.street), \(l.address1),
                \(l.address2), \(l.postal), \(l.city), \(l.province), \(l.country), \(l.lat), \(l.long), \(pos.createdAt))
            ON CONFLICT (store_id, id) DO UPDATE SET name = excluded.name, identifier = excluded.identifier,
                description = excluded.description, street = excluded.street, address1 = excluded.address1,
                address2 = excluded.address2, postal = excluded.postal, city = excluded.city, province = excluded.province,
                country = excluded.country, lat = excluded.lat, long = excluded.long, updated_at = now()
            """)
    }

    /// Counts a registered transaction in the POS's statistics (every transaction, returns included).
    func addTransaction(on database: some PostgresQueryable, storeID: UUID, id: UUID, amount: Amount) async throws {
        try await database.execute("""
            UPDATE customers.pos SET transactions_amount = transactions_amount + \(amount), transactions_count = transactions_count + 1
            WHERE store_id = \(storeID) AND id = \(id)
            """)
    }
}

extension PosRecord {
    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        identifier = try row.decode(String.self, "identifier")
        description = try row.decode(String?.self, "description")
        location = PosLocation(
            street: try row.decode(String?.self, "street"), address1: try row.decode(String?.self, "address1"),
            address2: try row.decode(String?.self, "address2"), postal: try row.decode(String?.self, "postal"),
            city: try row.decode(String?.self, "city"), province: try row.decode(String?.self, "province"),
            country: try row.decode(String?.self, "country"), lat: try row.decode(String?.self, "lat"), long: try row.decode(String?.self, "long")
        )
        transactionsAmount = try row.decode(Amount.self, "transactions_amount")
        transactionsCount = try row.decode(Int.self, "transactions_count")
        createdAt = try row.decode(Date.self, "created_at")
    }
}
