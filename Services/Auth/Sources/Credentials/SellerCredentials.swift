import Foundation
import Postgres

/// What the auth service knows of a seller's credentials (never the password hash).
public struct SellerCredential: Sendable, Hashable {
    public let storeID: UUID
    public let sellerID: UUID
    public let email: String?
    public let hasPassword: Bool
    public let active: Bool

    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        sellerID = try row.decode(UUID.self, "seller_id")
        email = try row.decode(String?.self, "email")
        hasPassword = try row.decode(Bool.self, "has_password")
        active = try row.decode(Bool.self, "active")
    }
}

/// The log-in credentials of sellers (POS operators), for the customers service to call inside its own
/// transactions. A seller logs in at `POST /api/{storeCode}/seller/login_check` with their e-mail, unique
/// (case-insensitive) within the store. Same conventions as `CustomerCredentials`.
public enum SellerCredentials {
    /// Creates the credentials of a new seller.
    public static func register(
        on database: some PostgresQueryable, storeID: UUID, sellerID: UUID, email: String?, password: PasswordHash?, active: Bool
    ) async throws {
        let email = Identifier.normalized(email)
        let inserted = try await database.query("""
            INSERT INTO auth.seller_credentials (store_id, seller_id, email, password_hash, active)
            VALUES (\(storeID), \(sellerID), \(email), \(password?.value), \(active))
            ON CONFLICT DO NOTHING RETURNING seller_id
            """)
        guard inserted.isEmpty else { return }
        if try await exists(on: database, storeID: storeID, sellerID: sellerID) { throw CredentialError.alreadyRegistered }
        throw CredentialError.duplicate(.email)
    }

    /// Replaces the e-mail (nil or empty clears it).
    public static func updateEmail(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID, email: String?) async throws {
        let email = Identifier.normalized(email)
        if try await emailIsTaken(on: database, storeID: storeID, excluding: sellerID, email: email) {
            throw CredentialError.duplicate(.email)
        }
        do {
            try await CredentialTable.sellers.update(on: database, storeID: storeID, userID: sellerID, set: "email = \(email)")
        } catch let error as PostgresError where error.isUniqueViolation && error.constraint == "seller_credentials_email_key" {
            throw CredentialError.duplicate(.email)
        }
    }

    /// Sets a new password.
    public static func setPassword(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID, password: PasswordHash) async throws {
        try await CredentialTable.sellers.update(on: database, storeID: storeID, userID: sellerID, set: "password_hash = \(password.value)")
    }

    /// Whether `password` is the seller's current password (false for unknown, deleted or password-less sellers).
    public static func verifyPassword(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID, password: String) async throws -> Bool {
        try await CredentialTable.sellers.verifyPassword(on: database, storeID: storeID, userID: sellerID, password: password)
    }

    /// Lets the seller log in (again).
    public static func activate(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID) async throws {
        try await CredentialTable.sellers.update(on: database, storeID: storeID, userID: sellerID, set: "active = true")
    }

    /// Stops the seller from logging in; their tokens stop working within seconds.
    public static func deactivate(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID) async throws {
        try await CredentialTable.sellers.update(on: database, storeID: storeID, userID: sellerID, set: "active = false")
    }

    /// Deletes the credentials: e-mail and password are forgotten, and tokens issued before stop working.
    public static func delete(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID) async throws {
        try await CredentialTable.sellers.update(on: database, storeID: storeID, userID: sellerID, set: """
            email = NULL, password_hash = NULL, active = false, deleted_at = now()
            """)
    }

    /// The seller's credentials, nil when unknown or deleted.
    public static func find(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID) async throws -> SellerCredential? {
        try await database.query("""
            SELECT store_id, seller_id, email, password_hash IS NOT NULL AS has_password, active
            FROM auth.seller_credentials
            WHERE store_id = \(storeID) AND seller_id = \(sellerID) AND deleted_at IS NULL
            """).firstRow.map(SellerCredential.init(row:))
    }

    /// Whether another seller of the store already uses this e-mail.
    public static func emailIsTaken(on database: some PostgresQueryable, storeID: UUID, excluding sellerID: UUID?, email: String?) async throws -> Bool {
        guard let email = Identifier.normalized(email) else { return false }
        return try await database.query("""
            SELECT EXISTS (SELECT 1 FROM auth.seller_credentials
                           WHERE store_id = \(storeID) AND lower(email) = lower(\(email))
                             AND seller_id IS DISTINCT FROM \(sellerID)) AS taken
            """).scalar(Bool.self)
    }

    private static func exists(on database: some PostgresQueryable, storeID: UUID, sellerID: UUID) async throws -> Bool {
        try await database.query("""
            SELECT EXISTS (SELECT 1 FROM auth.seller_credentials WHERE store_id = \(storeID) AND seller_id = \(sellerID)) AS found
            """).scalar(Bool.self)
    }
}
