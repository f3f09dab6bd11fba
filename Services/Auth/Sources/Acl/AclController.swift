import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// ACL API (EP-29…35): roles with `{resource, access}` permissions. Admins with the `ACL` resource.
struct AclController {
    let repository: RoleRepository

    struct Code: Encodable {
        let code: String
        let name: String
    }

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.get("api/admin/acl/role", use: list)
        routes.post("api/admin/acl/role", use: create)
        routes.get("api/admin/acl/role/{role}", use: get)
        routes.put("api/admin/acl/role/{role}", use: update)
        routes.delete("api/admin/acl/role/{role}", use: delete)
        routes.get("api/admin/acl/resources", use: resources)
        routes.get("api/admin/acl/accesses", use: accesses)
        return routes
    }

    @Sendable func list(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.acl, .view)
        let roles = try await repository.list(on: context.runtime.pool)
        return try Response.json(ListEnvelope("roles", items: roles, total: roles.count))
    }

    @Sendable func get(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.acl, .view)
        let role = try await repository.find(on: context.runtime.pool, id: try context.intParameter("role"))
        return try Response.json(try role.orThrow(APIError.notFound))
    }

    /// 204 without a body, as documented; the new role's address is in `Location`.
    @Sendable func create(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.acl, .modify)
        let form = try RoleForm(try await context.input(from: request))
        let id = try await context.runtime.pool.transaction { tx in
            let id = try await repository.create(on: tx, name: form.name, isDefault: form.isDefault, grants: form.grants)
            try await record(context, on: tx, event: "RoleWasCreated", audit: "CreateRole", id: id)
            return id
        }
        return Response(status: .noContent, headers: [.location: "/api/admin/acl/role/\(id)"])
    }

    @Sendable func update(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.acl, .modify)
        let id = try context.intParameter("role")
        let input = try await context.input(from: request)
        _ = try await repository.find(on: context.runtime.pool, id: id).orThrow(APIError.notFound)
        let form = try RoleForm(input)
        try await context.runtime.pool.transaction { tx in
            try await repository.update(on: tx, id: id, name: form.name, isDefault: form.isDefault, grants: form.grants)
            try await record(context, on: tx, event: "RoleWasUpdated", audit: "UpdateRole", id: id)
        }
        context.runtime.credentialCache?.invalidate()
        return .noContent
    }

    /// Master roles and roles assigned to admins are refused: `400 {"error":"…"}` (decision platform §5.21).
    @Sendable func delete(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.acl, .modify)
        let id = try context.intParameter("role")
        do {
            try await context.runtime.pool.transaction { tx in
                let role = try await repository.find(on: tx, id: id).orThrow(APIError.notFound)
                try await repository.delete(on: tx, id: id)
                try await Change(by: context).record(on: tx, event: "RoleWasDeleted", audit: "DeleteRole", entity: "role", id: String(id), payload: role)
            }
        } catch RoleRepository.DeleteRefusal.master {
            throw APIError.domain("The master role cannot be deleted.")
        } catch RoleRepository.DeleteRefusal.inUse {
            throw APIError.domain("The role is assigned to admin users and cannot be deleted.")
        }
        context.runtime.credentialCache?.invalidate()
        return .noContent
    }

    @Sendable func resources(_ request: Request, context: ServiceContext) async throws -> Response {
        try context.requireAnyAdmin()
        let items = AclResource.all.map { Code(code: $0.code, name: $0.name) }
        return try Response.json(ListEnvelope("resources", items: items, total: items.count))
    }

    @Sendable func accesses(_ request: Request, context: ServiceContext) async throws -> Response {
        try context.requireAnyAdmin()
        let items = Access.allCases.map { Code(code: $0.rawValue, name: $0.name) }
        return try Response.json(ListEnvelope("accesses", items: items, total: items.count))
    }

    /// The role's event and audit entry, with the role as it now is.
    private func record(_ context: ServiceContext, on tx: some PostgresQueryable, event: String, audit: String, id: Int) async throws {
        let role = try await repository.find(on: tx, id: id).orThrow(APIError.notFound)
        try await Change(by: context).record(on: tx, event: event, audit: audit, entity: "role", id: String(id), payload: role)
    }
}
