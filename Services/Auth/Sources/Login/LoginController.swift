import Foundation
import Postgres
import Hummingbird
import ServiceKit

/// Every `login_check` (EP-03 admin, EP-04 customer, SL-08 seller): `_username` and `_password` as JSON or
/// form fields; `{"token","refresh_token"}` or 401 `{"code":401,"message":"Bad credentials"}`.
struct LoginController {
    let service: LoginService

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.post("api/admin/login_check", use: admin)
        return routes
    }

    var storeRoutes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("customer/login_check", use: customer)
        routes.post("seller/login_check", use: seller)
        return routes
    }

    @Sendable func admin(_ request: Request, context: ServiceContext) async throws -> Response {
        try await logIn(.admin, store: nil, request, context)
    }

    @Sendable func customer(_ request: Request, context: StoreContext) async throws -> Response {
        try await logIn(.customer, store: context.store, request, context)
    }

    @Sendable func seller(_ request: Request, context: StoreContext) async throws -> Response {
        try await logIn(.seller, store: context.store, request, context)
    }

    private func logIn(_ kind: Identity.Kind, store: Store?, _ request: Request, _ context: some IdentifiedContext) async throws -> Response {
        let input = try await context.input(from: request)
        let attempt = LoginAttempt(
            kind: kind, store: store, username: input["_username"]?.string?.trimmedSpaces ?? "",
            password: input["_password"]?.string ?? "", ip: context.clientAddress
        )
        return try Response.json(try await service.logIn(attempt))
    }
}
