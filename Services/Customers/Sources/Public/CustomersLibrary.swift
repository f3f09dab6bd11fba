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

    init(_ record: CustomerRecord) {
        storeID = record.storeID
        id = record.id
        status = record.status.rawValue
        active = record.active
        firstName = record.firstName
        lastName = record.lastName
        email = record.email
        phone = record.phone
        loyaltyCardNumber = record.loyaltyCardNumber
        levelID = record.levelID
        manualLevelID = record.manualLevelID
        posID = record.posID
        sellerID = record.sellerID
        labels = record.labels.map { CustomerLabel(key: $0.key, value: $0.value) }
        birthDate = record.birthDate
        createdAt = record.createdAt
        transactionsCount = record.transactionsCount
        transactionsAmount = record.transactionsAmount
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
        try await CustomerRepository().find(on: database, storeID: storeID, id: id, lock: lock).map(CustomerSummary.init)
    }

    /// The live customer with this e-mail (compared without regard to case).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, email: String) async throws -> CustomerSummary? {
        let email = email.trimmedWhitespace
        guard !email.isEmpty else { return nil }
        return try await CustomerRepository().first(on: database, storeID: storeID, where: "lower(c.email) = lower(\(email))").map(CustomerSummary.init)
    }

    /// The live customer with this phone number (exact).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, phone: String) async throws -> CustomerSummary? {
        let phone = phone.trimmedWhitespace
        guard !phone.isEmpty else { return nil }
        return try await CustomerRepository().first(on: database, storeID: storeID, where: "c.phone = \(phone)").map(CustomerSummary.init)
    }

    /// The live customer with this loyalty card number (exact).
    public static func customer(on database: some PostgresQueryable, storeID: UUID, loyaltyCardNumber: String) async throws -> CustomerSummary? {
        let card = loyaltyCardNumber.trimmedWhitespace
        guard !card.isEmpty else { return nil }
        return try await CustomerRepository().first(on: database, storeID: storeID, where: "c.loyalty_card_number = \(card)")
            .map(CustomerSummary.init)
    }

    /// The live customer a transaction or a log-in names by e-mail, phone or loyalty card number, tried in that order.
    public static func customer(on database: some PostgresQueryable, storeID: UUID, identifier: String) async throws -> CustomerSummary? {
        if let found = try await customer(on: database, storeID: storeID, email: identifier) { return found }
        if let found = try await customer(on: database, storeID: storeID, phone: identifier) { return found }
        return try await customer(on: database, storeID: storeID, loyaltyCardNumber: identifier)
    }

    /// The live customer the shop platform knows by `externalId`.
    public static func customer(on database: some PostgresQueryable, storeID: UUID, externalID: String) async throws -> CustomerSummary? {
        try await CustomerRepository().first(on: database, storeID: storeID, where: "c.external_id = \(externalID)").map(CustomerSummary.init)
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
