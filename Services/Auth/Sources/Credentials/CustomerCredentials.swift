import Foundation
import Postgres

/// What the auth service knows of a customer's credentials (never the password hash).
public struct CustomerCredential: Sendable, Hashable {
    public let storeID: UUID
    public let customerID: UUID
    public let email: String?
    public let phone: String?
    public let loyaltyCardNumber: String?
    public let hasPassword: Bool
    public let active: Bool

    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        customerID = try row.decode(UUID.self, "customer_id")
        email = try row.decode(String?.self, "email")
        phone = try row.decode(String?.self, "phone")
        loyaltyCardNumber = try row.decode(String?.self, "loyalty_card_number")
        hasPassword = try row.decode(Bool.self, "has_password")
        active = try row.decode(Bool.self, "active")
    }
}

/// The log-in credentials of customers: the library API the customers service calls inside its own
/// transactions (`on:` takes the caller's transaction or the pool). A customer logs in at
/// `POST /api/{storeCode}/customer/login_check` with their e-mail, phone or loyalty card number.
///
/// E-mail (case-insensitive), phone and loyalty card number are each unique within a store; a clash is
/// reported as `CredentialError.duplicate(field)`. `register` detects clashes without aborting the
/// caller's transaction; the other writes check first, and only a concurrent clash aborts it.
/// These functions append no events: the caller's own event (e.g. `CustomerWasRegistered`) covers them.
public enum CustomerCredentials {
    /// Creates the credentials of a new customer.
    public static func register(
        on database: some PostgresQueryable, storeID: UUID, customerID: UUID, email: String?, phone: String?,
        loyaltyCardNumber: String?, password: PasswordHash?, active: Bool
    ) async throws {
        let email = Identifier.normalized(email), phone = Identifier.normalized(phone)
        let card = Identifier.normalized(loyaltyCardNumber)
        let inserted = try await database.query("""
            INSERT INTO auth.customer_credentials
                (store_id, customer_id, email, phone, loyalty_card_number, password_hash, active)
            VALUES (\(storeID), \(customerID), \(email), \(phone), \(card), \(password?.value), \(active))
            ON CONFLICT DO NOTHING RETURNING customer_id
            """)
        guard inserted.isEmpty else { return }
        if try await find(on: database, storeID: storeID, customerID: customerID, includingDeleted: true) != nil {
            throw CredentialError.alreadyRegistered
        }
        if let field = try await conflict(on: database, storeID: storeID, excluding: customerID, email: email, phone: phone, loyaltyCardNumber: card) {
            throw CredentialError.duplicate(field)
        }
        throw CredentialError.alreadyRegistered
    }

    /// Replaces the identifiers (nil or empty clears one).
    public static func updateIdentifiers(
        on database: some PostgresQueryable, storeID: UUID, customerID: UUID, email: String?, phone: String?,
        loyaltyCardNumber: String?
    ) async throws {
        let email = Identifier.normalized(email), phone = Identifier.normalized(phone)
        let card = Identifier.normalized(loyaltyCardNumber)
        if let field = try await conflict(on: database, storeID: storeID, excluding: customerID, email: email, phone: phone, loyaltyCardNumber: card) {
            throw CredentialError.duplicate(field)
        }
        try await mapDuplicates {
            try await CredentialTable.customers.update(on: database, storeID: storeID, userID: customerID, set: """
                email = \(email), phone = \(phone), loyalty_card_number = \(card)
                """)
        }
    }

    /// Sets a new password.
    public static func setPassword(on database: some PostgresQueryable, storeID: UUID, customerID: UUID, password: PasswordHash) async throws {
        try await CredentialTable.customers.update(on: database, storeID: storeID, userID: customerID, set: "password_hash = \(password.value)")
    }

    /// Whether `password` is the customer's current password (false for unknown, deleted or password-less customers).
    public static func verifyPassword(on database: some PostgresQueryable, storeID: UUID, customerID: UUID, password: String) async throws -> Bool {
        try await CredentialTable.customers.verifyPassword(on: database, storeID: storeID, userID: customerID, password: password)
    }

    /// Lets the customer log in (again).
    public static func activate(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws {
        try await CredentialTable.customers.update(on: database, storeID: storeID, userID: customerID, set: "active = true")
    }

    /// Stops the customer from logging in; their tokens stop working within seconds.
    public static func deactivate(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws {
        try await CredentialTable.customers.update(on: database, storeID: storeID, userID: customerID, set: "active = false")
    }

    /// Forgets the identifiers and the password and deactivates the customer (GDPR anonymization).
    public static func anonymize(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws {
        try await CredentialTable.customers.update(on: database, storeID: storeID, userID: customerID, set: """
            email = NULL, phone = NULL, loyalty_card_number = NULL, password_hash = NULL, active = false
            """)
    }

    /// Deletes the credentials: identifiers and password are forgotten, and tokens issued before stop working.
    public static func delete(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws {
        try await CredentialTable.customers.update(on: database, storeID: storeID, userID: customerID, set: """
            email = NULL, phone = NULL, loyalty_card_number = NULL, password_hash = NULL, active = false,
            deleted_at = now()
            """)
    }

    /// The customer's credentials, nil when unknown or deleted.
    public static func find(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> CustomerCredential? {
        try await find(on: database, storeID: storeID, customerID: customerID, includingDeleted: false)
    }

    /// The first identifier another customer of the store already uses (for form validation before writing).
    public static func conflict(
        on database: some PostgresQueryable, storeID: UUID, excluding customerID: UUID?, email: String?, phone: String?,
        loyaltyCardNumber: String?
    ) async throws -> CredentialField? {
        let email = Identifier.normalized(email), phone = Identifier.normalized(phone)
        let card = Identifier.normalized(loyaltyCardNumber)
        guard email != nil || phone != nil || card != nil else { return nil }
        let row = try await database.query("""
            SELECT coalesce(bool_or(lower(email) = lower(\(email))), false) AS email,
                   coalesce(bool_or(phone = \(phone)), false) AS phone,
                   coalesce(bool_or(loyalty_card_number = \(card)), false) AS card
            FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND customer_id IS DISTINCT FROM \(customerID)
              AND (lower(email) = lower(\(email)) OR phone = \(phone) OR loyalty_card_number = \(card))
            """).firstRow
        guard let row else { return nil }
        if try row.decode(Bool.self, "email") { return .email }
        if try row.decode(Bool.self, "phone") { return .phone }
        if try row.decode(Bool.self, "card") { return .loyaltyCardNumber }
        return nil
    }

    static func find(on database: some PostgresQueryable, storeID: UUID, customerID: UUID, includingDeleted: Bool) async throws -> CustomerCredential? {
        try await database.query("""
            SELECT store_id, customer_id, email, phone, loyalty_card_number, password_hash IS NOT NULL AS has_password, active
            FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND customer_id = \(customerID) AND (\(includingDeleted) OR deleted_at IS NULL)
            """).firstRow.map(CustomerCredential.init(row:))
    }

    /// Turns a unique violation that slipped past the checks (a concurrent write) into the typed error.
    static func mapDuplicates(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PostgresError where error.isUniqueViolation {
            switch error.constraint {
            case "customer_credentials_email_key": throw CredentialError.duplicate(.email)
            case "customer_credentials_phone_key": throw CredentialError.duplicate(.phone)
            case "customer_credentials_card_key": throw CredentialError.duplicate(.loyaltyCardNumber)
            default: throw error
            }
        }
    }
}
