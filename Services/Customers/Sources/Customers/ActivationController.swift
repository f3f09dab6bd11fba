import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Activation and its codes, deactivation, anonymization: C01, C31, C02, C32, C08, C07, C27, C29, C28, C14, C09.
struct ActivationController {
    let lifecycle: CustomerLifecycle

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("admin/customer/{customer}/activate", use: activateByAdmin)
        routes.post("seller/customer/{customer}/activate", use: activateBySeller)
        routes.post("admin/customer/{customer}/deactivate", use: deactivateByAdmin)
        routes.post("seller/customer/{customer}/deactivate", use: deactivateBySeller)
        routes.post("customer/activate/{token}", use: activateWithToken)
        routes.post("customer/activate-sms/{token}", use: activateWithCode)
        routes.post("admin/customer/{customer}/send-sms-code", use: sendCodeByAdmin)
        routes.post("seller/customer/{customer}/send-sms-code", use: sendCodeBySeller)
        routes.post("customer/customer-phone/send-sms-code", use: resendCode)
        routes.post("customer/confirm-change/{token}", use: confirmPhone)
        routes.post("admin/customer/{customer}/anonymize", use: anonymize)
        return routes
    }

    /// C01: `200`, empty body.
    @Sendable func activateByAdmin(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        try await lifecycle.activate(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C31.
    @Sendable func activateBySeller(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        try await lifecycle.activate(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C02: `200`, empty body; the customer can no longer log in.
    @Sendable func deactivateByAdmin(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        try await lifecycle.deactivate(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C32.
    @Sendable func deactivateBySeller(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        try await lifecycle.deactivate(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C08: public; `200` empty, `404 {"error":"bad_token"}` for an unknown or used token.
    @Sendable func activateWithToken(_ request: Request, context: StoreContext) async throws -> Response {
        try await lifecycle.activate(token: try context.textParameter("token"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C07: public; `204`, or `404 {"error":"bad_token"}`.
    @Sendable func activateWithCode(_ request: Request, context: StoreContext) async throws -> Response {
        try await lifecycle.activate(smsCode: try context.textParameter("token"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .noContent
    }

    /// C27: `200`, empty body.
    @Sendable func sendCodeByAdmin(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        try await lifecycle.sendActivationCode(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C29.
    @Sendable func sendCodeBySeller(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        try await lifecycle.sendActivationCode(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C28: the `phone` of the body, or the calling customer's own (decision customers A7).
    @Sendable func resendCode(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.inputIncludingQuery(from: request)
        let phone = input["phone"]?.trimmedText
        let caller = context.identity?.kind == .customer ? context.identity?.userID : nil
        guard phone != nil || caller != nil else { throw APIError.badRequest("phone should not be blank") }
        try await lifecycle.resendActivationCode(phone: phone, caller: caller, store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyOK
    }

    /// C14: the logged-in customer confirms a new phone with the code sent to it; `204`.
    @Sendable func confirmPhone(_ request: Request, context: StoreContext) async throws -> Response {
        let customer = try context.require(.customer)
        let id = try customer.userID.orThrow(APIError.forbidden())
        try await lifecycle.confirmPhoneChange(
            code: try context.textParameter("token"), customer: id, store: context.store, change: context.change, pool: context.runtime.pool
        )
        return .noContent
    }

    /// C09: `204`.
    @Sendable func anonymize(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        try await lifecycle.anonymize(try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .noContent
    }
}
