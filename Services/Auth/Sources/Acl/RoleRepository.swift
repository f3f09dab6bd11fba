import Foundation
import Postgres
import ServiceKit

/// ACL roles and their permissions (`auth.roles`, `auth.role_permissions`). Changes NOTIFY the credential
/// caches through the tables' triggers.
struct RoleRepository: Sendable {
    static let columns = "id, name, role, master, is_default"

    /// Why a role cannot be deleted.
    enum DeleteRefusal: Error {
        case master
        case inUse
    }

    func list(on database: some PostgresQueryable) async throws -> [Role] {
        let rows = try await database.query("SELECT \(unsafeRaw: Self.columns) FROM auth.roles ORDER BY id")
        let permissions = try await grants(on: database, roleIDs: try rows.map { try $0.decode(Int.self, "id") })
        return try rows.map { row in try Role(row: row, permissions: permissions[try row.decode(Int.self, "id")] ?? []) }
    }

    func find(on database: some PostgresQueryable, id: Int) async throws -> Role? {
        guard let row = try await database.query("SELECT \(unsafeRaw: Self.columns) FROM auth.roles WHERE id = \(id)").firstRow else {
            return nil
        }
        return try Role(row: row, permissions: try await grants(on: database, roleIDs: [id])[id] ?? [])
    }

    /// Creates a role; a new default role takes the mark from the previous one.
    func create(on database: some PostgresQueryable, name: String, isDefault: Bool, grants: [Grant]) async throws -> Int {
        if isDefault { try await clearDefault(on: database) }
        let id = try await database.query("""
            INSERT INTO auth.roles (name, is_default) VALUES (\(name), \(isDefault)) RETURNING id
            """).scalar(Int.self)
        try await replaceGrants(on: database, roleID: id, with: grants)
        return id
    }

    /// Renames the role, sets its default mark and replaces its permissions (keeping the ids of unchanged ones).
    func update(on database: some PostgresQueryable, id: Int, name: String, isDefault: Bool, grants: [Grant]) async throws {
        if isDefault { try await clearDefault(on: database, except: id) }
        let changed = try await database.execute("UPDATE auth.roles SET name = \(name), is_default = \(isDefault) WHERE id = \(id)")
        if changed == 0 { throw APIError.notFound }
        try await replaceGrants(on: database, roleID: id, with: grants)
    }

    /// Deletes an unused, non-master role.
    func delete(on database: some PostgresQueryable, id: Int) async throws {
        let row = try await database.query("""
            SELECT master, EXISTS (SELECT 1 FROM auth.admins WHERE role_id = \(id)) AS in_use FROM auth.roles WHERE id = \(id) FOR UPDATE
            """).firstRow
        guard let row else { throw APIError.notFound }
        if try row.decode(Bool.self, "master") { throw DeleteRefusal.master }
        if try row.decode(Bool.self, "in_use") { throw DeleteRefusal.inUse }
        do {
            try await database.execute("DELETE FROM auth.roles WHERE id = \(id)")
        } catch let error as PostgresError where error.isForeignKeyViolation {
            throw DeleteRefusal.inUse
        }
    }

    /// The ids among `ids` that name existing roles.
    func existing(on database: some PostgresQueryable, ids: [Int]) async throws -> Set<Int> {
        guard !ids.isEmpty else { return [] }
        return Set(try await database.query("SELECT id FROM auth.roles WHERE id = ANY(\(ids)::integer[])").map { try $0.decode(Int.self, "id") })
    }

    /// The role new admins get when created without one.
    func defaultRoleID(on database: some PostgresQueryable) async throws -> Int? {
        try await database.query("SELECT id FROM auth.roles WHERE is_default").firstRow?.decode(Int.self, "id")
    }

    /// The first master role (the seeded admin gets it).
    func masterRoleID(on database: some PostgresQueryable) async throws -> Int? {
        try await database.query("SELECT id FROM auth.roles WHERE master ORDER BY id LIMIT 1").firstRow?.decode(Int.self, "id")
    }

    /// Creates a master role named `Super admin` (when the migrated one was removed by hand).
    func createMaster(on database: some PostgresQueryable) async throws -> Int {
        try await database.query("INSERT INTO auth.roles (name, master) VALUES ('Super admin', true) RETURNING id").scalar(Int.self)
    }

    private func clearDefault(on database: some PostgresQueryable, except id: Int? = nil) async throws {
        try await database.execute("UPDATE auth.roles SET is_default = false WHERE is_default AND id IS DISTINCT FROM \(id)")
    }

    private func replaceGrants(on database: some PostgresQueryable, roleID: Int, with grants: [Grant]) async throws {
        let resources = grants.map(\.resource), accesses = grants.map(\.access.rawValue)
        try await database.execute("""
            DELETE FROM auth.role_permissions p WHERE p.role_id = \(roleID)
              AND (p.resource, p.access) NOT IN (SELECT * FROM unnest(\(resources)::text[], \(accesses)::text[]))
            """)
        try await database.execute("""
            INSERT INTO auth.role_permissions (role_id, resource, access)
            SELECT \(roleID), grant_resource, grant_access FROM unnest(\(resources)::text[], \(accesses)::text[])
                WITH ORDINALITY AS g(grant_resource, grant_access, position)
            ORDER BY position
            ON CONFLICT ON CONSTRAINT role_permissions_grant_key DO NOTHING
            """)
    }

    private func grants(on database: some PostgresQueryable, roleIDs: [Int]) async throws -> [Int: [Role.Permission]] {
        guard !roleIDs.isEmpty else { return [:] }
        let rows = try await database.query("""
            SELECT id, role_id, resource, access FROM auth.role_permissions WHERE role_id = ANY(\(roleIDs)::integer[]) ORDER BY id
            """)
        var result: [Int: [Role.Permission]] = [:]
        for row in rows {
            let permission = Role.Permission(
                id: try row.decode(Int.self, "id"), resource: try row.decode(String.self, "resource"),
                access: try row.decode(String.self, "access")
            )
            result[try row.decode(Int.self, "role_id"), default: []].append(permission)
        }
        return result
    }
}
