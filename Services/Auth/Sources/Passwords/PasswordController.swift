import Foundation
import Hummingbird
import ServiceKit

/// Security API (EP-19…23): reset requests (public; the token is mailed through the outbox), reset with a
/// token, and change of the caller's own password. Fields are read from the body or the query.
struct PasswordController {
    let service: PasswordService
    let limiter: RateLimiter

    struct Success: Encodable {
        let success = true
    }

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.post("api/password/reset/request", use: requestAdminReset)
        routes.post("api/password/reset", use: reset)
        return routes
    }

    var storeRoutes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("customer/password/reset/request", use: requestCustomerReset)
        routes.post("customer/password/change", use: changeCustomerPassword)
        routes.post("admin/password/change", use: changeAdminPassword)
        return routes
    }

    /// EP-23: `username` is the admin's user name (or e-mail).
    @Sendable func requestAdminReset(_ request: Request, context: ServiceContext) async throws -> Response {
        let username = try await self.username(request, context)
        let admin = try await service.admins.findActive(named: username, on: service.pool)
        try await service.requestReset(owner: admin.map { ResetOwner(kind: .admin, userID: $0.id, storeID: nil) }, email: admin?.email, storeCode: nil)
        return try Response.json(Success())
    }

    /// EP-19: `username` is the e-mail of an active customer of the store.
    @Sendable func requestCustomerReset(_ request: Request, context: StoreContext) async throws -> Response {
        let username = try await self.username(request, context)
        let customer = try await service.resets.activeCustomer(email: username, storeID: context.store.id, on: service.pool)
        let owner = customer.map { ResetOwner(kind: .customer, userID: $0.id, storeID: context.store.id) }
        try await service.requestReset(owner: owner, email: customer?.email, storeCode: context.store.code)
        return try Response.json(Success())
    }

    /// EP-20: `token` and `reset[plainPassword]`. Unknown, used or expired tokens: 404.
    @Sendable func reset(_ request: Request, context: ServiceContext) async throws -> Response {
        let input = try await context.inputIncludingQuery(from: request)
        guard let token = input["token"]?.trimmedText else { throw APIError.domain(#"field "token" should not be empty"#) }
        let password = input["reset"]?["plainPassword"]?.string ?? ""
        try await service.reset(token: token, password: password, change: Change(by: context))
        context.runtime.credentialCache?.invalidate()
        return try Response.json(Success())
    }

    /// EP-21: a customer changes their own password.
    @Sendable func changeCustomerPassword(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await change(ResetOwner(kind: .customer, userID: try identity.userID.orThrow(APIError.forbidden()), storeID: context.store.id), request, context)
    }

    /// EP-22: an admin (by JWT) changes their own password.
    @Sendable func changeAdminPassword(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.admin)
        guard identity.tokenID != nil, let admin = identity.userID else { throw APIError.forbidden() }
        return try await change(ResetOwner(kind: .admin, userID: admin, storeID: nil), request, context)
    }

    private func change(_ owner: ResetOwner, _ request: Request, _ context: StoreContext) async throws -> Response {
        let input = try await context.inputIncludingQuery(from: request)
        try await service.change(
            owner, current: input["currentPassword"]?.string ?? "", new: input["plainPassword"]?.string ?? "", change: Change(by: context)
        )
        return try Response.json(Success())
    }

    /// The required `username` field (body or query); reset requests share a rate limit per address.
    private func username(_ request: Request, _ context: some IdentifiedContext) async throws -> String {
        let input = try await context.inputIncludingQuery(from: request)
        guard let username = input["username"]?.trimmedText else { throw APIError.domain(#"field "username" should not be empty"#) }
        if let wait = try await limiter.hit("reset|\(context.clientAddress ?? "unknown")", on: service.pool) {
            throw APIError.tooManyRequests(retryAfterSeconds: wait)
        }
        return username
    }
}
