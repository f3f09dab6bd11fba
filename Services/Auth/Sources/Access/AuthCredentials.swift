import Foundation
import Postgres
import ServiceKit

/// The credential checks of the suite (ServiceKit's `CredentialStore`), answered from the auth schema:
/// permanent tokens of external admins, merchant API credentials, admins' effective ACL permissions, and
/// whether a verified JWT may still be used.
///
/// These run on every authenticated request of every service, so answers are cached for a few seconds.
/// The cache is emptied on `NOTIFY auth_credentials_changed` (sent by the auth tables' triggers when an
/// admin is deactivated, a role changes, a token or session is revoked…) when `follow(_:)` runs, and at
/// once for changes made by this process; so a revocation takes effect everywhere within seconds.
public final class AuthCredentials: CredentialStore {
    /// The notification channel the auth tables' triggers announce changes on.
    public static let changeChannel = "auth_credentials_changed"

    private let database: any PostgresQueryable
    private let permanentTokens: ExpiringCache<Identity?>
    private let merchants: ExpiringCache<Identity?>
    private let permissions: ExpiringCache<AdminPermissions>
    private let activity: ExpiringCache<Bool>

    public init(database: any PostgresQueryable, timeToLive: Duration = .seconds(3)) {
        self.database = database
        permanentTokens = ExpiringCache(timeToLive: timeToLive)
        merchants = ExpiringCache(timeToLive: timeToLive)
        permissions = ExpiringCache(timeToLive: timeToLive)
        activity = ExpiringCache(timeToLive: timeToLive)
    }

    public func admin(permanentToken: String) async throws -> Identity? {
        let digest = Secrets.sha256Hex(permanentToken)
        return try await permanentTokens.value(for: digest) {
            try await database.query("""
                SELECT id FROM auth.admins WHERE api_key_hash = \(digest) AND external AND is_active
                """).firstRow.map { Identity(kind: .admin, userID: try $0.decode(UUID.self, "id"), roles: ["ROLE_ADMIN"]) }
        }
    }

    public func merchant(userID: String, apiKey: String) async throws -> Identity? {
        let digest = Secrets.sha256Hex(apiKey)
        return try await merchants.value(for: "\(userID)\n\(digest)") {
            let row = try await database.query("""
                SELECT m.store_id, m.api_key_hash FROM auth.merchant_credentials m JOIN auth.stores s ON s.id = m.store_id
                WHERE m.user_id = \(userID) AND m.revoked_at IS NULL AND s.active
                """).firstRow
            guard let row, constantTimeEquals(try row.decode(String.self, "api_key_hash"), digest) else { return nil }
            return Identity(kind: .merchant, storeID: try row.decode(UUID.self, "store_id"), merchantUser: userID)
        }
    }

    public func permissions(ofAdmin adminID: UUID) async throws -> AdminPermissions {
        try await permissions.value(for: adminID.uuidString) {
            let rows = try await database.query("""
                SELECT r.master, p.resource, p.access
                FROM auth.admins a JOIN auth.roles r ON r.id = a.role_id
                LEFT JOIN auth.role_permissions p ON p.role_id = r.id
                WHERE a.id = \(adminID) AND a.is_active
                """)
            var result = AdminPermissions()
            for row in rows {
                if try row.decode(Bool.self, "master") { return .master }
                guard let resource = try row.decode(String?.self, "resource"),
                      let access = try row.decode(String?.self, "access").flatMap(Access.init(rawValue:))
                else { continue }
                result.grants[resource, default: []].insert(access)
            }
            return result
        }
    }

    /// A token is refused when its session or itself was revoked, or its user is known to be inactive or
    /// deleted. (Users the auth schema has never seen are not refused: only this service signs tokens.)
    public func isActive(_ identity: Identity) async throws -> Bool {
        let key = "\(identity.kind.rawValue)|\(identity.userID?.uuidString ?? "")|\(identity.storeCode ?? "")|\(identity.tokenID ?? "")"
        return try await activity.value(for: key) {
            try await !database.query("SELECT \(revocation(of: identity.tokenID)) OR \(inactivity(of: identity)) AS refused")
                .scalar(Bool.self)
        }
    }

    /// Forgets every cached answer.
    public func invalidate() {
        permanentTokens.invalidate()
        merchants.invalidate()
        permissions.invalidate()
        activity.invalidate()
    }

    /// Empties the cache on every change notification (and on every listener reconnect), until cancelled.
    public func follow(_ listener: PostgresListener) async {
        for await _ in listener.notifications(on: Self.changeChannel) { invalidate() }
    }

    /// Whether the token or its session was revoked.
    private func revocation(of jti: String?) -> SQL {
        guard let jti else { return "false" }
        return """
            EXISTS (SELECT 1 FROM auth.issued_tokens t LEFT JOIN auth.sessions s ON s.id = t.session_id
                    WHERE t.jti = \(jti) AND (t.revoked_at IS NOT NULL OR s.revoked_at IS NOT NULL))
            """
    }

    /// Whether the user is known and inactive (deleted users are inactive).
    private func inactivity(of identity: Identity) -> SQL {
        guard let userID = identity.userID else { return "false" }
        switch identity.kind {
        case .admin:
            return "EXISTS (SELECT 1 FROM auth.admins WHERE id = \(userID) AND NOT is_active)"
        case .customer, .storefront:
            return """
                EXISTS (SELECT 1 FROM auth.customer_credentials c JOIN auth.stores s ON s.id = c.store_id
                        WHERE s.code = \(identity.storeCode) AND c.customer_id = \(userID) AND NOT c.active)
                """
        case .seller:
            return """
                EXISTS (SELECT 1 FROM auth.seller_credentials c JOIN auth.stores s ON s.id = c.store_id
                        WHERE s.code = \(identity.storeCode) AND c.seller_id = \(userID) AND NOT c.active)
                """
        case .master, .merchant:
            return "false"
        }
    }
}

extension ServiceRuntime {
    /// The auth library's credential store of this runtime, when the service uses it.
    public var credentialCache: AuthCredentials? { credentials as? AuthCredentials }
}
