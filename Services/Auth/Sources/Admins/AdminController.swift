import Foundation
import Hummingbird
import ServiceKit

/// Admin users API (EP-05…08): admins with the `ADMIN` resource. There is no delete: `isActive=0`.
struct AdminController {
    let service: AdminService

    struct Created: Encodable {
        let adminId: String
    }

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.get("api/admin", use: list)
        routes.post("api/admin/data", use: create)
        routes.get("api/admin/data/{admin}", use: get)
        routes.put("api/admin/data/{admin}", use: update)
        return routes
    }

    @Sendable func list(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.admin, .view)
        let page = try Pagination(try context.queryInput(of: request), sortable: AdminRepository.sortable, defaultSort: "firstName")
        let (admins, total) = try await service.admins.list(on: context.runtime.pool, page: page)
        return try Response.json(ListEnvelope("users", items: admins.map(AdminView.init), total: total))
    }

    @Sendable func get(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.admin, .view)
        let admin = try await service.admins.find(on: context.runtime.pool, id: try context.uuidParameter("admin"))
        return try Response.json(AdminView(try admin.orThrow(APIError.notFound)))
    }

    /// `200 {"adminId":"…"}` (the documentation shows no body; the id is what a client needs next).
    @Sendable func create(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.admin, .modify)
        let form = try AdminForm(try await context.input(from: request), current: nil)
        let id = try await service.create(form, change: Change(by: context), on: context.runtime.pool)
        context.runtime.credentialCache?.invalidate()
        return try Response.json(Created(adminId: id.uuidString.lowercased()))
    }

    /// `200` with an empty body, as documented.
    @Sendable func update(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.admin, .modify)
        let id = try context.uuidParameter("admin")
        let input = try await context.input(from: request)
        try await service.update(id, input: input, change: Change(by: context), on: context.runtime.pool)
        context.runtime.credentialCache?.invalidate()
        return Response(status: .ok)
    }
}
