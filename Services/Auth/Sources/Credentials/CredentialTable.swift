import Foundation
import Postgres
import ServiceKit

/// The operations customer and seller credentials share, on their own tables.
struct CredentialTable: Sendable {
    /// `auth.customer_credentials` or `auth.seller_credentials` (a constant, never client text).
    let table: String
    /// `customer_id` or `seller_id`.
    let idColumn: String

    static let customers = CredentialTable(table: "auth.customer_credentials", idColumn: "customer_id")
    static let sellers = CredentialTable(table: "auth.seller_credentials", idColumn: "seller_id")

    /// Updates the live (not deleted) row of one user; `CredentialError.notFound` when there is none.
    func update(on database: some PostgresQueryable, storeID: UUID, userID: UUID, set assignments: SQL) async throws {
        let changed = try await database.execute("""
            UPDATE \(unsafeRaw: table) SET \(assignments), updated_at = now()
            WHERE store_id = \(storeID) AND \(unsafeRaw: idColumn) = \(userID) AND deleted_at IS NULL
            """)
        if changed == 0 { throw CredentialError.notFound }
    }

    /// The stored bcrypt hash of a live user, nil when unknown or without a password.
    func passwordHash(on database: some PostgresQueryable, storeID: UUID, userID: UUID) async throws -> String? {
        try await database.query("""
            SELECT password_hash FROM \(unsafeRaw: table)
            WHERE store_id = \(storeID) AND \(unsafeRaw: idColumn) = \(userID) AND deleted_at IS NULL
            """).firstRow?.decode(String?.self, "password_hash")
    }

    func verifyPassword(on database: some PostgresQueryable, storeID: UUID, userID: UUID, password: String) async throws -> Bool {
        let hash = try await passwordHash(on: database, storeID: storeID, userID: userID)
        return await PasswordHasher.verify(password, against: hash)
    }
}
