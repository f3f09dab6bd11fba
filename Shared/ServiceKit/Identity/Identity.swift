import Foundation

/// Who is calling, once their credentials have been checked.
public struct Identity: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An admin user, by JWT or by the permanent token of an external admin.
        case admin
        /// The configured master API key: every right, no user behind it.
        case master
        /// A customer of one store (JWT).
        case customer
        /// A seller (POS operator) of one store (JWT).
        case seller
        /// A storefront session of a customer of one store (the Okendo-style storefront JWT).
        case storefront
        /// Merchant API credentials (HTTP Basic `userId:apiKey`) bound to one store.
        case merchant
    }

    public var kind: Kind
    /// The user (admin, customer, seller; the customer behind a storefront session).
    public var userID: UUID?
    /// The store code a customer, seller or storefront identity belongs to.
    public var storeCode: String?
    /// The store id merchant credentials are bound to.
    public var storeID: UUID?
    /// Role names carried by the token.
    public var roles: [String]
    /// The JWT id (`jti`), when the identity came from a JWT.
    public var tokenID: String?
    /// The Basic-auth user id of merchant credentials.
    public var merchantUser: String?

    public init(
        kind: Kind, userID: UUID? = nil, storeCode: String? = nil, storeID: UUID? = nil,
        roles: [String] = [], tokenID: String? = nil, merchantUser: String? = nil
    ) {
        self.kind = kind
        self.userID = userID
        self.storeCode = storeCode
        self.storeID = storeID
        self.roles = roles
        self.tokenID = tokenID
        self.merchantUser = merchantUser
    }

    /// Admins and the master key act on every store; everyone else on their own store only.
    public var isAdministrator: Bool { kind == .admin || kind == .master }
}

/// ACL access levels (platform catalog §2.5).
public enum Access: String, Sendable, Hashable, Codable, CaseIterable {
    case view = "VIEW"
    case modify = "MODIFY"

    public var name: String { self == .view ? "View" : "Modify" }
}

/// What an admin may do: everything (a master role, the master key) or a set of resource grants.
public struct AdminPermissions: Sendable, Hashable {
    public var isMaster: Bool
    /// `resource code → access levels granted`.
    public var grants: [String: Set<Access>]

    public init(isMaster: Bool = false, grants: [String: Set<Access>] = [:]) {
        self.isMaster = isMaster
        self.grants = grants
    }

    public static let master = AdminPermissions(isMaster: true)
    public static let none = AdminPermissions()

    /// `MODIFY` includes `VIEW`: whoever may change a resource may read it.
    public func allows(_ resource: String, _ access: Access) -> Bool {
        if isMaster { return true }
        guard let granted = grants[resource] else { return false }
        return granted.contains(access) || (access == .view && granted.contains(.modify))
    }
}

/// The checks ServiceKit delegates to the auth service's library: permanent tokens, merchant credentials,
/// ACL permissions, revoked tokens. Until the auth library provides its own, `NoCredentials` refuses them all.
public protocol CredentialStore: Sendable {
    /// The admin owning a permanent token (`X-AUTH-TOKEN` or `?auth_token=`), nil when unknown or inactive.
    func admin(permanentToken: String) async throws -> Identity?
    /// The merchant identity for HTTP Basic `userId:apiKey`, nil when unknown or revoked.
    func merchant(userID: String, apiKey: String) async throws -> Identity?
    /// The effective permissions of an admin user.
    func permissions(ofAdmin adminID: UUID) async throws -> AdminPermissions
    /// Whether a verified JWT identity may still be used (the user is active, the token was not revoked).
    func isActive(_ identity: Identity) async throws -> Bool
}

/// The credential store of a service that knows no stored credentials: only JWTs and the master key work.
public struct NoCredentials: CredentialStore {
    public init() {}
    public func admin(permanentToken: String) async throws -> Identity? { nil }
    public func merchant(userID: String, apiKey: String) async throws -> Identity? { nil }
    public func permissions(ofAdmin adminID: UUID) async throws -> AdminPermissions { .none }
    public func isActive(_ identity: Identity) async throws -> Bool { true }
}
