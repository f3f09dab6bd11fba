import Foundation

/// The tenant a request belongs to, and how upstream services are told about it.
public struct Tenant: Sendable, Equatable {
    /// Where the tenant identity came from; decides which `X-Tenant-*` header carries it.
    public enum Kind: Sendable, Equatable {
        /// Open Loyalty store code: `/api/{storeCode}/…`, or the `store` claim of a `/v1/loyalty` JWT.
        case storeCode
        /// Smile-style subscriber: `/v1/stores/{subscriberId}/…`.
        case subscriberID
        /// Yotpo-style merchant: the HTTP Basic user id on `/enterprise/*`.
        case merchantUser

        /// Request header that carries this kind of tenant upstream.
        public var headerName: String {
            switch self {
            case .storeCode: "X-Tenant-Store-Code"
            case .subscriberID: "X-Tenant-Subscriber-Id"
            case .merchantUser: "X-Tenant-Merchant-User"
            }
        }
    }

    public let kind: Kind
    /// The tenant identifier; also the key for replica affinity.
    public let key: String

    public init(kind: Kind, key: String) {
        self.kind = kind
        self.key = key
    }
}

/// Works out the tenant of a routed request. Tokens are only decoded, never verified: the services verify them.
public enum TenantResolver {
    /// Prefix of the tenant headers; incoming ones are stripped so clients cannot spoof them.
    static let headerPrefix = "x-tenant-"

    /// The tenant of `match`, or `nil` when the endpoint is not tenant-scoped or the credentials are unusable.
    /// - Parameter authorization: the request's `Authorization` header, if any.
    public static func resolve(_ match: RouteMatch, authorization: String?) -> Tenant? {
        if let storeCode = match.parameters["storeCode"] {
            return tenant(.storeCode, storeCode)
        }
        if let subscriberID = match.parameters["subscriberId"] {
            return tenant(.subscriberID, subscriberID)
        }
        if match.route.path.hasPrefix("/enterprise/") {
            return basicUserID(from: authorization).flatMap { tenant(.merchantUser, $0) }
        }
        if match.route.path.hasPrefix("/v1/loyalty/") {
            return jwtStoreClaim(from: authorization).flatMap { tenant(.storeCode, $0) }
        }
        return nil
    }

    /// The user id of `Authorization: Basic base64(userId:apiKey)`.
    static func basicUserID(from authorization: String?) -> String? {
        guard let credentials = credentials(in: authorization, scheme: "basic"),
            let data = Data(base64Encoded: credentials),
            let decoded = String(data: data, encoding: .utf8)
        else { return nil }
        let userID = decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first
        return userID.map(String.init)
    }

    /// The `store` claim of `Authorization: Bearer <jwt>`, read from the base64url JSON payload.
    static func jwtStoreClaim(from authorization: String?) -> String? {
        guard let token = credentials(in: authorization, scheme: "bearer") else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let payload = base64URLDecoded(parts[1]),
            let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any]
        else { return nil }
        switch claims["store"] {
        case let store as String: return store
        case let store as Int: return String(store)
        default: return nil
        }
    }

    /// The credentials after `scheme` (case-insensitive) in an `Authorization` value.
    private static func credentials(in authorization: String?, scheme: String) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == scheme else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    private static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    /// Only identifiers that are safe as a header value (visible ASCII, bounded length) count as a tenant.
    private static func tenant(_ kind: Tenant.Kind, _ key: String) -> Tenant? {
        let isSafe = !key.isEmpty && key.utf8.count <= 256 && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        return isSafe ? Tenant(kind: kind, key: key) : nil
    }
}
