import Foundation
import Postgres
import ServiceKit

/// Merchant API credentials as listed (never the key).
struct MerchantCredentialRecord: Sendable, Hashable, Encodable {
    let userId: String
    let storeId: String
    let name: String
    let createdAt: String

    init(row: PostgresRow) throws {
        userId = try row.decode(String.self, "user_id")
        storeId = try row.decode(UUID.self, "store_id").uuidString.lowercased()
        name = try row.decode(String.self, "name")
        createdAt = Timestamp.compact(try row.decode(Date.self, "created_at"))
    }
}

/// Merchant API credentials of a store (`auth.merchant_credentials`); keys are kept as SHA-256 digests.
/// Revocations NOTIFY the credential caches (trigger).
struct MerchantCredentialRepository: Sendable {
    func create(on database: some PostgresQueryable, storeID: UUID, userID: String, keyDigest: String, name: String) async throws -> MerchantCredentialRecord {
        try await database.query("""
            INSERT INTO auth.merchant_credentials (store_id, user_id, api_key_hash, name)
            VALUES (\(storeID), \(userID), \(keyDigest), \(name))
            RETURNING user_id, store_id, name, created_at
            """).firstRow.map(MerchantCredentialRecord.init(row:)).orThrow(APIError.notFound)
    }

    /// The live (not revoked) credentials of the store, oldest first.
    func list(on database: some PostgresQueryable, storeID: UUID) async throws -> [MerchantCredentialRecord] {
        try await database.query("""
            SELECT user_id, store_id, name, created_at FROM auth.merchant_credentials
            WHERE store_id = \(storeID) AND revoked_at IS NULL ORDER BY created_at, user_id
            """).map(MerchantCredentialRecord.init(row:))
    }

    /// Revokes live credentials; false when the store has none with this user id.
    func revoke(on database: some PostgresQueryable, storeID: UUID, userID: String) async throws -> Bool {
        try await database.execute("""
            UPDATE auth.merchant_credentials SET revoked_at = now()
            WHERE store_id = \(storeID) AND user_id = \(userID) AND revoked_at IS NULL
            """) > 0
    }
}
