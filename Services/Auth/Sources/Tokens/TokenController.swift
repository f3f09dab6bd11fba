import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Token refresh with rotation and log-out (EP-24).
struct TokenController {
    let service: LoginService

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.post("api/token/refresh", use: refresh)
        routes.get("api/token/revoke", use: revoke)
        return routes
    }

    /// `refresh_token` (body or query) → a new `{"token","refresh_token"}`; the presented token dies.
    @Sendable func refresh(_ request: Request, context: ServiceContext) async throws -> Response {
        let input = try await context.inputIncludingQuery(from: request)
        guard let refreshToken = input["refresh_token"]?.trimmedText else {
            try await service.throttle(context.clientAddress)
            throw LoginService.invalidRefreshToken
        }
        return try Response.json(try await service.refresh(refreshToken, ip: context.clientAddress))
    }

    /// Logs the caller out everywhere: every session (refresh tokens and the access tokens issued in them)
    /// of the user, and the presented token itself. `200` with an empty body.
    @Sendable func revoke(_ request: Request, context: ServiceContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let jti = identity.tokenID else { throw APIError.forbidden() }
        try await service.pool.transaction { tx in
            if let user = identity.userID, [.admin, .customer, .seller].contains(identity.kind) {
                try await service.issuer.sessions.revokeAll(on: tx, kind: identity.kind, userID: user)
            }
            try await service.issuer.sessions.revokeAccessToken(
                on: tx, jti: jti, expiresAt: Date().addingTimeInterval(max(AuthPolicy.accessTokenLifetime, AuthPolicy.storefrontTokenLifetime))
            )
        }
        context.runtime.credentialCache?.invalidate()
        return Response(status: .ok)
    }
}
