import Crypto
import Foundation
import ServiceKit

/// Mints JWTs for tests: genuine ones signed with the suite's key, and forgeries that must be refused.
public enum TestTokens {
    private static let signer = Task { try await TokenVerifier(publicKeyPEM: TestKeys.suite.publicKeyPEM, privateKeyPEM: TestKeys.suite.privateKeyPEM) }
    private static let strangerSigner = Task { try await TokenVerifier(publicKeyPEM: TestKeys.stranger.publicKeyPEM, privateKeyPEM: TestKeys.stranger.privateKeyPEM) }

    public static func claims(
        _ kind: Identity.Kind, userID: UUID = UUID(), store: String? = nil, roles: [String] = [],
        expiresIn: TimeInterval = 3600
    ) -> SuiteClaims {
        let now = Date()
        return SuiteClaims(
            subject: userID.uuidString.lowercased(), type: kind.rawValue, store: store, roles: roles,
            issuedAt: now.addingTimeInterval(min(0, expiresIn) - 60), expiresAt: now.addingTimeInterval(expiresIn),
            id: UUID().uuidString
        )
    }

    /// A valid RS256 token signed with the suite's key.
    public static func token(
        _ kind: Identity.Kind, userID: UUID = UUID(), store: String? = nil, roles: [String] = [], expiresIn: TimeInterval = 3600
    ) async throws -> String {
        try await signer.value.sign(claims(kind, userID: userID, store: store, roles: roles, expiresIn: expiresIn))
    }

    /// A well-formed RS256 token signed by a key the suite does not trust.
    public static func signedByStranger(_ kind: Identity.Kind, store: String? = nil) async throws -> String {
        try await strangerSigner.value.sign(claims(kind, store: store))
    }

    /// An unsigned token (`alg: none`).
    public static func unsigned(_ kind: Identity.Kind, store: String? = nil) throws -> String {
        let header = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        return "\(header).\(base64URL(try JSONEncoder().encode(claims(kind, store: store))))."
    }

    /// An HS256 token keyed with the suite's *public* key: the classic algorithm-confusion attack.
    public static func hmacWithPublicKey(_ kind: Identity.Kind, store: String? = nil) throws -> String {
        let header = base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = base64URL(try JSONEncoder().encode(claims(kind, store: store)))
        let key = SymmetricKey(data: Data(TestKeys.suite.publicKeyPEM.utf8))
        let signature = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(payload)".utf8), using: key)
        return "\(header).\(payload).\(base64URL(Data(signature)))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
