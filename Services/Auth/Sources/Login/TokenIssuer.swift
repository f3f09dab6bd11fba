import Foundation
import Postgres
import ServiceKit

/// The pair every `login_check` and refresh answers with.
struct TokenPair: Sendable, Encodable {
    let token: String
    let refreshToken: String

    enum CodingKeys: String, CodingKey {
        case token
        case refreshToken = "refresh_token"
    }
}

/// Issues RS256 access tokens with the claims of DESIGN §7, and sessions with rotating refresh tokens.
struct TokenIssuer: Sendable {
    let signer: TokenVerifier
    let sessions = SessionRepository()

    /// The `roles` claim of each kind of user.
    static func roles(of kind: Identity.Kind) -> [String] {
        switch kind {
        case .admin: ["ROLE_ADMIN"]
        case .customer: ["ROLE_PARTICIPANT"]
        case .seller: ["ROLE_SELLER"]
        case .storefront: ["ROLE_STOREFRONT"]
        case .master, .merchant: []
        }
    }

    /// Opens a session for a successful log-in: its first refresh token and an access token.
    func startSession(for owner: SessionOwner, storeCode: String?, on database: some PostgresQueryable) async throws -> TokenPair {
        let sessionID = try await sessions.create(
            on: database, owner: owner, expiresAt: Date().addingTimeInterval(AuthPolicy.refreshTokenLifetime)
        )
        return try await continueSession(sessionID, for: owner, storeCode: storeCode, on: database)
    }

    /// The next refresh token of a session and a fresh access token.
    func continueSession(_ sessionID: UUID, for owner: SessionOwner, storeCode: String?, on database: some PostgresQueryable) async throws -> TokenPair {
        let refreshToken = Secrets.randomHex(bytes: 64)
        try await sessions.addRefreshToken(
            on: database, sessionID: sessionID, digest: Secrets.sha256Hex(refreshToken),
            expiresAt: Date().addingTimeInterval(AuthPolicy.refreshTokenLifetime)
        )
        let token = try await accessToken(
            kind: owner.kind, userID: owner.userID, storeCode: storeCode, sessionID: sessionID,
            lifetime: AuthPolicy.accessTokenLifetime, on: database
        )
        return TokenPair(token: token, refreshToken: refreshToken)
    }

    /// A signed access token, recorded so that revoking its session reaches it.
    func accessToken(
        kind: Identity.Kind, userID: UUID, storeCode: String?, sessionID: UUID?, lifetime: TimeInterval,
        on database: some PostgresQueryable
    ) async throws -> String {
        let now = Date()
        let expiresAt = now.addingTimeInterval(lifetime)
        let jti = UUID().uuidString.lowercased()
        let claims = SuiteClaims(
            subject: userID.uuidString.lowercased(), type: kind.rawValue, store: kind == .admin ? nil : storeCode,
            roles: Self.roles(of: kind), issuedAt: now, expiresAt: expiresAt, id: jti
        )
        try await sessions.recordAccessToken(on: database, jti: jti, sessionID: sessionID, expiresAt: expiresAt)
        return try await signer.sign(claims)
    }
}
