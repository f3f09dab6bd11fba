import Foundation
import Postgres
import ServiceKit

/// Whose password a reset token resets.
struct ResetOwner: Sendable, Hashable {
    let kind: Identity.Kind
    let userID: UUID
    let storeID: UUID?
}

/// Password-reset tokens by SHA-256 digest (`auth.password_resets`): single use, expiring. A new request
/// replaces the user's earlier unused tokens.
struct PasswordResetRepository: Sendable {
    func create(on database: some PostgresQueryable, owner: ResetOwner, digest: String, expiresAt: Date) async throws {
        try await database.execute("""
            DELETE FROM auth.password_resets WHERE user_type = \(owner.kind.rawValue) AND user_id = \(owner.userID) AND used_at IS NULL
            """)
        try await database.execute("""
            INSERT INTO auth.password_resets (token_hash, user_type, user_id, store_id, expires_at)
            VALUES (\(digest), \(owner.kind.rawValue), \(owner.userID), \(owner.storeID), \(expiresAt))
            """)
    }

    /// The owner of a live (unused, unexpired) token, without using it.
    func find(on database: some PostgresQueryable, digest: String) async throws -> ResetOwner? {
        try await database.query("""
            SELECT user_type, user_id, store_id FROM auth.password_resets
            WHERE token_hash = \(digest) AND used_at IS NULL AND expires_at > now()
            """).firstRow.flatMap(owner)
    }

    /// Uses a live token; nil when it is unknown, used or expired (also when another request just used it).
    func consume(on database: some PostgresQueryable, digest: String) async throws -> ResetOwner? {
        try await database.query("""
            UPDATE auth.password_resets SET used_at = now()
            WHERE token_hash = \(digest) AND used_at IS NULL AND expires_at > now()
            RETURNING user_type, user_id, store_id
            """).firstRow.flatMap(owner)
    }

    /// The active customer of the store with this e-mail (reset requests).
    func activeCustomer(email: String, storeID: UUID, on database: some PostgresQueryable) async throws -> (id: UUID, email: String)? {
        guard let row = try await database.query("""
            SELECT customer_id, email FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND lower(email) = lower(\(email)) AND active AND deleted_at IS NULL
            """).firstRow else { return nil }
        return (try row.decode(UUID.self, "customer_id"), try row.decode(String.self, "email"))
    }

    /// Deletes tokens expired for a day.
    func pruneExpired(on database: some PostgresQueryable) async throws {
        try await database.execute("DELETE FROM auth.password_resets WHERE expires_at < now() - interval '1 day'")
    }

    private func owner(_ row: PostgresRow) throws -> ResetOwner? {
        guard let kind = Identity.Kind(rawValue: try row.decode(String.self, "user_type")) else { return nil }
        return ResetOwner(kind: kind, userID: try row.decode(UUID.self, "user_id"), storeID: try row.decode(UUID?.self, "store_id"))
    }
}
