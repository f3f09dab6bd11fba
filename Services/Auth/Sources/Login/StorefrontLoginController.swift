import Foundation
import Hummingbird
import ServiceKit

/// Okendo storefront log-in (S6): exchanges a customer access token of this suite (the `token` of
/// `POST /api/{storeCode}/customer/login_check`, for the same store) for a storefront JWT carrying the
/// store and the customer (decision okendo A27).
struct StorefrontLoginController {
    let issuer: TokenIssuer

    struct Session: Encodable {
        let jwt: String
        let loyaltyCustomerDetails: StorefrontCustomerDetails
    }

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("loyalty/login", use: create)
        return routes
    }

    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        guard let accessToken = input["customerAccessToken"]?.trimmedText else {
            throw APIError.badRequest("customerAccessToken should not be blank")
        }
        let customer = try await verifiedCustomer(accessToken, store: context.store, runtime: context.runtime)
        let pool = context.runtime.pool
        let jwt = try await issuer.accessToken(
            kind: .storefront, userID: customer, storeCode: context.store.code, sessionID: nil,
            lifetime: AuthPolicy.storefrontTokenLifetime, on: pool
        )
        let details = try await StorefrontCustomerDetails.load(storeID: context.store.id, customerID: customer, on: pool)
        return try Response.json(Session(jwt: jwt, loyaltyCustomerDetails: details))
    }

    /// The customer a still-valid customer token of this store proves; 401 otherwise.
    private func verifiedCustomer(_ token: String, store: Store, runtime: ServiceRuntime) async throws -> UUID {
        let invalid = APIError.unauthorized("Invalid customer access token")
        guard let identity = try? await runtime.tokens.identity(fromBearer: token), identity.kind == .customer,
              identity.storeCode == store.code, let customer = identity.userID,
              try await runtime.credentials.isActive(identity),
              try await CustomerCredentials.find(on: runtime.pool, storeID: store.id, customerID: customer)?.active == true
        else { throw invalid }
        return customer
    }
}
