import Foundation
import JWTKit
import Synchronization

/// The claims of every JWT the suite issues (DESIGN §7).
public struct SuiteClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    /// `admin`, `customer`, `seller` or `storefront`.
    public var type: String
    /// The store code; absent for admins.
    public var store: String?
    public var roles: [String]
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    public var jti: IDClaim

    public init(subject: String, type: String, store: String?, roles: [String], issuedAt: Date, expiresAt: Date, id: String) {
        self.sub = SubjectClaim(value: subject)
        self.type = type
        self.store = store
        self.roles = roles
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
        self.jti = IDClaim(value: id)
    }

    public func verify(using algorithm: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
    }
}

/// Verifies RS256 JWTs against the suite's public key — and signs them when given the private key.
public struct TokenVerifier: Sendable {
    private let keys: JWTKeyCollection
    public let canSign: Bool
    /// Tokens whose signature was verified, with what they prove: a client sends the same token with every
    /// request, and an RSA verification costs more than the rest of a simple request. Keyed by the whole token,
    /// so only the very token that was verified matches; expiry is still checked on every use.
    private let verified = VerifiedTokens()

    /// - Parameters:
    ///   - publicKeyPEM: the RSA public key every service verifies with.
    ///   - privateKeyPEM: the RSA private key, for the auth service only.
    public init(publicKeyPEM: String, privateKeyPEM: String? = nil) async throws {
        keys = JWTKeyCollection()
        if let privateKeyPEM {
            await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: privateKeyPEM), digestAlgorithm: .sha256)
            canSign = true
        } else {
            await keys.add(rsa: try Insecure.RSA.PublicKey(pem: publicKeyPEM), digestAlgorithm: .sha256)
            canSign = false
        }
    }

    /// The identity a bearer token proves, or an `APIError.unauthorized` naming what is wrong with it.
    /// Only RS256 is accepted: `alg: none` and HMAC tokens (even ones keyed with the public key) are refused.
    public func identity(fromBearer token: String) async throws -> Identity {
        if let (identity, expiresAt) = verified.lookup(token) {
            guard expiresAt > Date() else { throw APIError.unauthorized("Expired JWT Token") }
            return identity
        }
        guard Self.algorithm(of: token) == "RS256" else { throw APIError.unauthorized("Invalid JWT Token") }
        let claims: SuiteClaims
        do {
            claims = try await keys.verify(token, as: SuiteClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw APIError.unauthorized("Expired JWT Token")
        } catch {
            throw APIError.unauthorized("Invalid JWT Token")
        }
        guard let kind = Identity.Kind(rawValue: claims.type), kind != .master, kind != .merchant else {
            throw APIError.unauthorized("Invalid JWT Token")
        }
        let userID = UUID(uuidString: claims.sub.value)
        if kind != .admin, claims.store == nil || userID == nil { throw APIError.unauthorized("Invalid JWT Token") }
        let identity = Identity(kind: kind, userID: userID, storeCode: claims.store, roles: claims.roles, tokenID: claims.jti.value)
        verified.remember(token, identity, expiresAt: claims.exp.value)
        return identity
    }

    /// Signs claims (auth service only).
    public func sign(_ claims: SuiteClaims) async throws -> String {
        precondition(canSign, "this service has no private key")
        return try await keys.sign(claims, header: ["typ": "JWT"])
    }

    /// Reads the `alg` of a token's header without trusting anything else in it.
    static func algorithm(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first,
              let data = Data(base64URLEncoded: String(header)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["alg"] as? String
    }
}

extension Data {
    /// Decodes base64url (RFC 4648 §5), padding optional.
    public init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

/// Recently verified tokens (see `TokenVerifier.verified`), at most `limit`; emptied when full.
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: (identity: Identity, expiresAt: Date)]>([:])
    private let limit = 10_000

    func lookup(_ token: String) -> (Identity, Date)? {
        entries.withLock { $0[token] }.map { ($0.identity, $0.expiresAt) }
    }

    func remember(_ token: String, _ identity: Identity, expiresAt: Date) {
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[token] = (identity, expiresAt)
        }
    }
}
