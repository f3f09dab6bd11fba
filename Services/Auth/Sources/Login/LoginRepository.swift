import Foundation
import Postgres
import ServiceKit

/// A user who might be the one logging in.
struct LoginCandidate: Sendable {
    let userID: UUID
    /// The name the audit log records: the admin's user name, the customer's or seller's e-mail.
    let username: String
    let passwordHash: String?
    /// Whether the account may log in (active, and for admins not external).
    let mayLogIn: Bool
}

/// The look-ups of the log-in endpoints, over admins and the customer and seller credentials.
struct LoginRepository: Sendable {
    /// The admin with this user name or e-mail (case-insensitive).
    func admin(named username: String, on database: some PostgresQueryable) async throws -> LoginCandidate? {
        try await database.query("""
            SELECT id, username, password_hash, is_active AND NOT external AS may_log_in FROM auth.admins
            WHERE lower(username) = lower(\(username)) OR lower(email) = lower(\(username))
            ORDER BY lower(username) = lower(\(username)) DESC LIMIT 1
            """).firstRow.map { try candidate($0, id: "id", name: "username") }
    }

    /// The customers of the store whose e-mail, loyalty card number or phone is `username`, in that order.
    func customers(named username: String, storeID: UUID, on database: some PostgresQueryable) async throws -> [LoginCandidate] {
        try await database.query("""
            SELECT customer_id, coalesce(email, \(username)) AS name, password_hash, active AS may_log_in
            FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND deleted_at IS NULL
              AND (lower(email) = lower(\(username)) OR loyalty_card_number = \(username) OR phone = \(username))
            ORDER BY lower(email) = lower(\(username)) DESC NULLS LAST, loyalty_card_number = \(username) DESC NULLS LAST
            LIMIT 3
            """).map { try candidate($0, id: "customer_id", name: "name") }
    }

    /// The seller of the store with this e-mail.
    func seller(named username: String, storeID: UUID, on database: some PostgresQueryable) async throws -> LoginCandidate? {
        try await database.query("""
            SELECT seller_id, coalesce(email, \(username)) AS name, password_hash, active AS may_log_in
            FROM auth.seller_credentials
            WHERE store_id = \(storeID) AND deleted_at IS NULL AND lower(email) = lower(\(username))
            """).firstRow.map { try candidate($0, id: "seller_id", name: "name") }
    }

    /// Whether the owner of a session may still get tokens: the user is active and not deleted, and a
    /// customer's or seller's store is active. Returns the store code for the token's `store` claim.
    func status(of owner: SessionOwner, on database: some PostgresQueryable) async throws -> (allowed: Bool, storeCode: String?) {
        let query: SQL
        switch owner.kind {
        case .admin:
            query = "SELECT is_active AND NOT external AS allowed, NULL::text AS code FROM auth.admins WHERE id = \(owner.userID)"
        case .customer:
            query = """
                SELECT c.active AND c.deleted_at IS NULL AND s.active AS allowed, s.code FROM auth.customer_credentials c
                JOIN auth.stores s ON s.id = c.store_id WHERE c.store_id = \(owner.storeID) AND c.customer_id = \(owner.userID)
                """
        case .seller:
            query = """
                SELECT c.active AND c.deleted_at IS NULL AND s.active AS allowed, s.code FROM auth.seller_credentials c
                JOIN auth.stores s ON s.id = c.store_id WHERE c.store_id = \(owner.storeID) AND c.seller_id = \(owner.userID)
                """
        default:
            return (false, nil)
        }
        guard let row = try await database.query(query).firstRow else { return (false, nil) }
        return (try row.decode(Bool.self, "allowed"), try row.decode(String?.self, "code"))
    }

    private func candidate(_ row: PostgresRow, id: String, name: String) throws -> LoginCandidate {
        LoginCandidate(
            userID: try row.decode(UUID.self, id), username: try row.decode(String.self, name),
            passwordHash: try row.decode(String?.self, "password_hash"), mayLogIn: try row.decode(Bool.self, "may_log_in")
        )
    }
}
