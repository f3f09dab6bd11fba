import Foundation
import Postgres
import ServiceKit

/// An ACL role (EP-29…35). Integer ids, as the API shows them.
struct Role: Sendable, Hashable, Encodable {
    let id: Int
    let name: String
    let role: String
    let master: Bool
    let isDefault: Bool
    var permissions: [Permission]

    struct Permission: Sendable, Hashable, Encodable {
        let id: Int
        let resource: String
        let access: String
    }

    init(row: PostgresRow, permissions: [Permission] = []) throws {
        id = try row.decode(Int.self, "id")
        name = try row.decode(String.self, "name")
        role = try row.decode(String.self, "role")
        master = try row.decode(Bool.self, "master")
        isDefault = try row.decode(Bool.self, "is_default")
        self.permissions = permissions
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role, master, permissions
        case isDefault = "default"
    }
}

/// A role as embedded in an admin: `{id, name, role, master}`.
struct RoleSummary: Sendable, Hashable, Encodable {
    let id: Int
    let name: String
    let role: String
    let master: Bool
}

/// One grant of a role form: a resource of `AclResource.all` and an access level.
struct Grant: Sendable, Hashable {
    let resource: String
    let access: Access
}
