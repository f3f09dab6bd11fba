import Foundation
import Postgres
import HTTPTypes
import Hummingbird
import Logging
import Crypto

/// Establishes who is calling from whichever credentials the request carries:
/// `Authorization: Bearer <JWT>`, `Authorization: Basic <userId:apiKey>` (merchant API),
/// `X-AUTH-TOKEN` or `?auth_token=` (an external admin's permanent token, or the master key).
/// Requests without credentials pass on anonymously; wrong credentials are refused here with 401.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = ServiceContext

    func handle(_ request: Request, context: ServiceContext, next: (Request, ServiceContext) async throws -> Response) async throws -> Response {
        var context = context
        context.identity = try await identify(request, runtime: context.runtime)
        if let identity = context.identity {
            context.logger[metadataKey: "caller"] = .string("\(identity.kind.rawValue):\(identity.userID?.uuidString.lowercased() ?? identity.merchantUser ?? "-")")
        }
        return try await next(request, context)
    }

    private func identify(_ request: Request, runtime: ServiceRuntime) async throws -> Identity? {
        if let authorization = request.headers[.authorization] {
            if let token = authorization.strippingScheme("Bearer") {
                let identity = try await runtime.tokens.identity(fromBearer: token)
                guard try await runtime.credentials.isActive(identity) else { throw APIError.unauthorized("Invalid JWT Token") }
                return identity
            }
            if let encoded = authorization.strippingScheme("Basic") {
                return try await merchant(basic: encoded, runtime: runtime)
            }
        }
        if let token = request.headers[.authToken] ?? request.uri.queryParameters["auth_token"].map(String.init) {
            return try await permanentToken(token, runtime: runtime)
        }
        return nil
    }

    private func merchant(basic encoded: String, runtime: ServiceRuntime) async throws -> Identity {
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { throw APIError.unauthorized("Invalid credentials") }
        let user = String(text[..<colon])
        let key = String(text[text.index(after: colon)...])
        guard let identity = try await runtime.credentials.merchant(userID: user, apiKey: key) else {
            throw APIError.unauthorized("Invalid credentials")
        }
        return identity
    }

    private func permanentToken(_ token: String, runtime: ServiceRuntime) async throws -> Identity {
        if let master = runtime.configuration.masterAPIKey, constantTimeEquals(token, master) {
            return Identity(kind: .master)
        }
        guard let identity = try await runtime.credentials.admin(permanentToken: token) else {
            throw APIError.authenticationRequired
        }
        return identity
    }
}

/// Compares secrets without leaking, through timing, how much of them matched.
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let left = SHA256.hash(data: Data(lhs.utf8))
    let right = SHA256.hash(data: Data(rhs.utf8))
    return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}

extension String {
    /// `"Bearer abc"` → `"abc"` for scheme `Bearer` (case-insensitive), else nil.
    func strippingScheme(_ scheme: String) -> String? {
        guard count > scheme.count, lowercased().hasPrefix(scheme.lowercased() + " ") else { return nil }
        let value = dropFirst(scheme.count + 1).trimmedSpaces
        return value.isEmpty ? nil : value
    }
}
