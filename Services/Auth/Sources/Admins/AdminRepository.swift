import Foundation
import Postgres
import ServiceKit

/// Admin users (`auth.admins`). Deactivation and role changes NOTIFY the credential caches (trigger).
struct AdminRepository: Sendable {
    /// Raised instead of SQLSTATE 23505: which unique key refused the row.
    enum Duplicate: Error {
        case email
        case apiKey
    }

    static let sortable = [
        "firstName": "a.first_name", "lastName": "a.last_name", "username": "a.username", "email": "a.email",
        "isActive": "a.is_active", "external": "a.external", "createAt": "a.created_at",
    ]

    private static let select = """
        SELECT a.id, a.username, a.email, a.first_name, a.last_name, a.phone, a.external, a.is_active,
               a.password_hash IS NOT NULL AS has_password, a.api_key_hash IS NOT NULL AS has_api_key, a.created_at,
               r.id AS role_id, r.name AS role_name, r.role AS role_role, r.master AS role_master
        FROM auth.admins a LEFT JOIN auth.roles r ON r.id = a.role_id
        """

    func list(on database: some PostgresQueryable, page: Pagination) async throws -> (admins: [AdminRecord], total: Int) {
        let admins = try await database.query(SQL(Self.select) + page.orderAndLimit(tieBreaker: "a.id")).map(AdminRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM auth.admins").scalar(Int.self)
        return (admins, total)
    }

    func find(on database: some PostgresQueryable, id: UUID, lock: Bool = false) async throws -> AdminRecord? {
        try await database.query(SQL(Self.select) + " WHERE a.id = \(id)" + SQL(lock ? " FOR UPDATE OF a" : ""))
            .firstRow.map(AdminRecord.init(row:))
    }

    /// Creates an admin; `username` nil makes it the admin's id, as for every admin created through the API.
    func create(on database: some PostgresQueryable, id: UUID, username: String?, _ changes: AdminChanges) async throws {
        try await mapDuplicates {
            try await database.execute("""
                INSERT INTO auth.admins (id, username, email, first_name, last_name, phone, external, is_active, role_id, password_hash, api_key_hash)
                VALUES (\(id), \(username ?? id.uuidString.lowercased()), \(changes.email), \(changes.firstName), \(changes.lastName),
                        \(changes.phone), \(changes.external), \(changes.isActive), \(changes.roleID), \(changes.passwordHash),
                        \(changes.apiKeyDigest))
                """)
        }
    }

    /// Replaces the admin's data. An internal admin loses its permanent token; an external one its password.
    func update(on database: some PostgresQueryable, id: UUID, _ changes: AdminChanges) async throws {
        try await mapDuplicates {
            try await database.execute("""
                UPDATE auth.admins SET email = \(changes.email), first_name = \(changes.firstName), last_name = \(changes.lastName),
                    phone = \(changes.phone), external = \(changes.external), is_active = \(changes.isActive), role_id = \(changes.roleID),
                    password_hash = CASE WHEN \(changes.external) THEN NULL ELSE coalesce(\(changes.passwordHash), password_hash) END,
                    api_key_hash = CASE WHEN \(changes.external) THEN coalesce(\(changes.apiKeyDigest), api_key_hash) ELSE NULL END,
                    updated_at = now()
                WHERE id = \(id)
                """)
        }
    }

    func setPassword(on database: some PostgresQueryable, id: UUID, hash: PasswordHash) async throws {
        try await database.execute("UPDATE auth.admins SET password_hash = \(hash.value), updated_at = now() WHERE id = \(id)")
    }

    func passwordHash(on database: some PostgresQueryable, id: UUID) async throws -> String? {
        try await database.query("SELECT password_hash FROM auth.admins WHERE id = \(id)").firstRow?.decode(String?.self, "password_hash")
    }

    func emailIsTaken(on database: some PostgresQueryable, email: String, excluding id: UUID?) async throws -> Bool {
        try await database.query("""
            SELECT EXISTS (SELECT 1 FROM auth.admins WHERE lower(email) = lower(\(email)) AND id IS DISTINCT FROM \(id)) AS taken
            """).scalar(Bool.self)
    }

    func apiKeyIsTaken(on database: some PostgresQueryable, digest: String, excluding id: UUID?) async throws -> Bool {
        try await database.query("""
            SELECT EXISTS (SELECT 1 FROM auth.admins WHERE api_key_hash = \(digest) AND id IS DISTINCT FROM \(id)) AS taken
            """).scalar(Bool.self)
    }

    /// The active admin with this user name or e-mail (password-reset requests).
    func findActive(named username: String, on database: some PostgresQueryable) async throws -> (id: UUID, email: String)? {
        guard let row = try await database.query("""
            SELECT id, email FROM auth.admins
            WHERE (lower(username) = lower(\(username)) OR lower(email) = lower(\(username))) AND is_active AND NOT external
            ORDER BY lower(username) = lower(\(username)) DESC LIMIT 1
            """).firstRow else { return nil }
        return (try row.decode(UUID.self, "id"), try row.decode(String.self, "email"))
    }

    func anyExists(on database: some PostgresQueryable) async throws -> Bool {
        try await database.query("SELECT EXISTS (SELECT 1 FROM auth.admins) AS found").scalar(Bool.self)
    }

    /// Serializes the seeding of the first admin across replicas for the rest of the transaction.
    func lockSeeding(on database: some PostgresQueryable) async throws {
        _ = try await database.query("SELECT pg_advisory_xact_lock(hashtext('auth seed admin')::bigint)")
    }

    private func mapDuplicates(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PostgresError where error.isUniqueViolation {
            switch error.constraint {
            case "admins_email_key": throw Duplicate.email
            case "admins_api_key_key": throw Duplicate.apiKey
            default: throw error
            }
        }
    }
}
