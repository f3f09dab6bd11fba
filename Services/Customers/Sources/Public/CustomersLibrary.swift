import Foundation
import Postgres
import ServiceKit

/// What other services may know of a customer, read inside their own transaction.
public struct CustomerSummary: Sendable, Hashable {
    public let storeID: UUID
    public let id: UUID
    /// `new`, `active` or `blocked` (deleted customers are never returned).
    public let status: String
    public let active: Bool
    public let firstName: String?
    public let lastName: String?
    public let email: String?
    public let phone: String?
    public let loyaltyCardNumber: String?
    public let levelID: UUID?
    /// The level an admin assigned (a floor, decision extensions X-10), nil when none.
    public let manualLevelID: UUID?
    public let posID: UUID?
    public let sellerID: UUID?
    public let labels: [CustomerLabel]
    public let birthDate: LocalDate?
    public let createdAt: Date
    public let transactionsCount: Int
    public let transactionsAmount: Amount

    /// The columns `init(row:)` reads: the customer's own row, without the joins a full record needs.
    static let columns = """
        c.store_id, c.id, c.status, c.first_name, c.last_name, c.email, c.phone, c.loyalty_card_number, c.level_id,
        c.manual_level_id, c.pos_id, c.seller_id, c.labels, c.birth_date, c.created_at, c.transactions_count, c.transactions_amount
        """

    /// Reads `columns` (the ledger reads a customer on every sale: no address, company or join to decode).
    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        id = try row.decode(UUID.self, "id")
        status = try row.decode(String.self, "status")
        active = status == CustomerStatus.active.rawValue
        firstName = try row.decode(String?.self, "first_name")
        lastName = try row.decode(String?.self, "last_name")
        email = try row.decode(String?.self, "email")
        phone = try row.decode(String?.self, "phone")
        loyaltyCardNumber = try row.decode(String?.self, "loyalty_card_number")
        levelID = try row.decode(UUID?.self, "level_id")
        manualLevelID = try row.decode(UUID?.self, "manual_level_id")
        posID = try row.decode(UUID?.self, "pos_id")
        sellerID = try row.decode(UUID?.self, "seller_id")
        labels = try Label.list(try row.decode(JSONB.self, "labels")).map { CustomerLabel(key: $0.key, value: $0.value) }
        birthDate = try row.decode(LocalDate?.self, "birth_date")
        createdAt = try row.decode(Date.self, "created_at")
        transactionsCount = try row.decode(Int.self, "transactions_count")
        transactionsAmount = try row.decode(Amount.self, "transactions_amount")
    }
}

/// A customer label, `key:value`.
public struct CustomerLabel: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// What other services may know of a level.
public struct LevelSummaryInfo: Sendable, Hashable {
    public let id: UUID
    public let name: String
    public let active: Bool
    public let conditionValue: Amount
    /// The level's reward in percent (15 for 15 %).
    public let rewardPercent: Amount
}

/// The customers library: look-ups the ledger, campaigns and reviews call inside their own transaction
/// (`on:` takes the caller's transaction or the pool). Nothing here writes; customers change only through
/// the customers service's endpoints and its reactions to events.
public enum CustomersLibrary {
    /// The name of the customers service's consumer of ledger events (`suite.event_subscriptions`).
    public static let ledgerConsumerName = LedgerEventConsumer.name

    /// The live (not deleted) customer with this id in the store; `lock` holds its row until the caller's
    /// transaction ends (`FOR UPDATE`), to serialize against level moves and updates.
    public static func customer(on database: some PostgresQueryable, storeID: UUID, id: UUID, lock: Bool = false) async throws -> CustomerSummary? {
        try await summary(on: database, storeID: storeID, where: "c.id = \(id)", lock: lock)
    }

    /// The live customers among these ids, by id (one query for a page of purchases or an export).
    public static func customers(on database: some PostgresQueryable, storeID: UUID, ids: [UUID]) async throws -> [UUID: CustomerSummary] {
        guard !ids.isEmpty else { return [:] }
        let found = try await database.query("""
            SELECT \(unsafeRaw: CustomerSummary.columns) FROM customers.customers c
            WHERE c.store_id = \(storeID) AND c.status <> 'deleted' AND c.id = ANY(\(SQLArray.uuids(ids))::uuid[])
            """).map(CustomerSummary.init(row:))
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The live customer with this e-mail (compared without regard to case).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, email: String) async throws -> CustomerSummary? {
        let email = email.trimmedWhitespace
        guard !email.isEmpty else { return nil }
        return try await summary(on: database, storeID: storeID, where: "lower(c.email) = lower(\(email))")
    }

    /// The live customer with this phone number (exact).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, phone: String) async throws -> CustomerSummary? {
        let phone = phone.trimmedWhitespace
        guard !phone.isEmpty else { return nil }
        return try await summary(on: database, storeID: storeID, where: "c.phone = \(phone)")
    }

    /// The live customer with this loyalty card number (exact).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, loyaltyCardNumber: String) async throws -> CustomerSummary? {
        let card = loyaltyCardNumber.trimmedWhitespace
        guard !card.isEmpty else { return nil }
        return try await summary(on: database, storeID: storeID, where: "c.loyalty_card_number = \(card)")
    }

    /// The live customer a transaction or a log-in names by e-mail, phone or loyalty card number, tried in that order.
    public static func customer(on database: some PostgresQueryable, storeID: UUID, identifier: String) async throws -> CustomerSummary? {
        if let found = try await customer(on: database, storeID: storeID, email: identifier) { return found }
        if let found = try await customer(on: database, storeID: storeID, phone: identifier) { return found }
        return try await customer(on: database, storeID: storeID, loyaltyCardNumber: identifier)
    }

    /// The live customer the shop platform knows by `externalId` (X-06).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, externalID: String) async throws -> CustomerSummary? {
        try await summary(on: database, storeID: storeID, where: "c.external_id = \(externalID)")
    }

    /// The first live customer (by registration) matching `condition`, a fragment over `c`.
    private static func summary(
        on database: some PostgresQueryable, storeID: UUID, where condition: SQL, lock: Bool = false
    ) async throws -> CustomerSummary? {
        try await database.query("""
            SELECT \(unsafeRaw: CustomerSummary.columns) FROM customers.customers c
            WHERE c.store_id = \(storeID) AND c.status <> 'deleted' AND \(condition)
            ORDER BY c.created_at LIMIT 1 \(unsafeRaw: lock ? "FOR UPDATE" : "")
            """).firstRow.map(CustomerSummary.init(row:))
    }

    /// The customer's current level, nil when it has none or is unknown.
    public static func levelID(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> UUID? {
        try await database.query("""
            SELECT level_id FROM customers.customers WHERE store_id = \(storeID) AND id = \(customerID) AND status <> 'deleted'
            """).firstRow?.decode(UUID?.self, "level_id")
    }

    /// The segments the customer is a member of.
    public static func segmentIDs(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> [UUID] {
        try await database.query("""
            SELECT segment_id FROM customers.segment_members WHERE store_id = \(storeID) AND customer_id = \(customerID) ORDER BY segment_id
            """).map { try $0.decode(UUID.self, "segment_id") }
    }

    /// A level of the store, nil when unknown.
    public static func level(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> LevelSummaryInfo? {
        try await LevelRepository().find(on: database, storeID: storeID, id: id).map {
            LevelSummaryInfo(id: $0.id, name: $0.name, active: $0.active, conditionValue: $0.conditionValue, rewardPercent: $0.reward.percent)
        }
    }

    /// The store's levels, by threshold.
    public static func levels(on database: some PostgresQueryable, storeID: UUID) async throws -> [LevelSummaryInfo] {
        try await database.query("""
            SELECT id, name, active, condition_value, reward_percent FROM customers.levels WHERE store_id = \(storeID)
            ORDER BY condition_value, id
            """).map {
            LevelSummaryInfo(
                id: try $0.decode(UUID.self, "id"), name: try $0.decode(String.self, "name"), active: try $0.decode(Bool.self, "active"),
                conditionValue: try $0.decode(Amount.self, "condition_value"), rewardPercent: try $0.decode(Amount.self, "reward_percent")
            )
        }
    }
}
