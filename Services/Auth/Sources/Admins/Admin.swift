import Foundation
import Postgres

/// An admin user as stored (without secrets).
struct AdminRecord: Sendable, Hashable {
    let id: UUID
    var username: String
    var email: String
    var firstName: String?
    var lastName: String?
    var phone: String?
    var external: Bool
    var isActive: Bool
    var hasPassword: Bool
    var hasAPIKey: Bool
    var createdAt: Date
    var role: RoleSummary?

    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        username = try row.decode(String.self, "username")
        email = try row.decode(String.self, "email")
        firstName = try row.decode(String?.self, "first_name")
        lastName = try row.decode(String?.self, "last_name")
        phone = try row.decode(String?.self, "phone")
        external = try row.decode(Bool.self, "external")
        isActive = try row.decode(Bool.self, "is_active")
        hasPassword = try row.decode(Bool.self, "has_password")
        hasAPIKey = try row.decode(Bool.self, "has_api_key")
        createdAt = try row.decode(Date.self, "created_at")
        if let roleID = try row.decode(Int?.self, "role_id") {
            role = RoleSummary(
                id: roleID, name: try row.decode(String.self, "role_name"), role: try row.decode(String.self, "role_role"),
                master: try row.decode(Bool.self, "role_master")
            )
        }
    }
}

/// An admin as EP-06 / EP-07 show it. The permanent token is stored hashed and never shown (decision
/// platform §2.1); `roles` and the optional names and phone are shown in both views (decision platform §5.11).
struct AdminView: Encodable {
    let id: String
    let username: String
    let isActive: Bool
    let createAt: String
    let email: String
    let external: Bool
    let dtype = "admin"
    let roles: [RoleSummary]
    let firstName: String?
    let lastName: String?
    let phone: String?

    init(_ admin: AdminRecord) {
        id = admin.id.uuidString.lowercased()
        username = admin.username
        isActive = admin.isActive
        createAt = Timestamp.compact(admin.createdAt)
        email = admin.email
        external = admin.external
        roles = admin.role.map { [$0] } ?? []
        firstName = admin.firstName
        lastName = admin.lastName
        phone = admin.phone
    }
}

/// The fields an admin form sets. `passwordHash` / `apiKeyDigest` nil keep the stored secret.
struct AdminChanges: Sendable {
    var email: String
    var firstName: String?
    var lastName: String?
    var phone: String?
    var external: Bool
    var isActive: Bool
    var roleID: Int?
    var passwordHash: String?
    var apiKeyDigest: String?
}
