import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Customer registration: C11 (admin or seller), C36 (admin), C33 (seller) and X-02 (the customer).
/// Each answers `200 {"customerId","email"}` or the 400 form envelope.
struct RegistrationController {
    let registration: CustomerRegistration

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("customer/register", use: create)
        routes.post("admin/customer/register", use: createByAdmin)
        routes.post("seller/customer/register", use: createBySeller)
        routes.post("customer/self_register", use: createBySelf)
        return routes
    }

    /// C11: an admin with `CUSTOMER` modify, or a seller.
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try await CustomerAccess.require(context, .modify)
        if identity.kind == .seller, let seller = identity.userID {
            return try await register(request, context, kind: .seller, channel: .seller(seller))
        }
        return try await register(request, context, kind: .admin, channel: .admin)
    }

    /// C36.
    @Sendable func createByAdmin(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        return try await register(request, context, kind: .admin, channel: .admin)
    }

    /// C33: the seller becomes the customer's seller, its POS the customer's POS unless one is sent.
    @Sendable func createBySeller(_ request: Request, context: StoreContext) async throws -> Response {
        let seller = try context.require(.seller)
        return try await register(request, context, kind: .seller, channel: .seller(try seller.userID.orThrow(APIError.forbidden())))
    }

    /// public; the customer is new until activated by the e-mail link or the SMS code.
    @Sendable func createBySelf(_ request: Request, context: StoreContext) async throws -> Response {
        try await register(request, context, kind: .selfService, channel: .selfService)
    }

    private func register(
        _ request: Request, _ context: StoreContext, kind: CustomerFormKind, channel: CustomerRegistration.Channel
    ) async throws -> Response {
        let form = try CustomerForm(try await context.input(from: request), kind: kind)
        let customer = try await registration.register(form, store: context.store, channel: channel, change: context.change, pool: context.runtime.pool)
        return try Response.json(RegisteredCustomer(customerId: customer.id.text, email: customer.email))
    }
}
