import Foundation

extension IdentifiedContext {
    /// The caller, or 401 when the request carried no credentials.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError.unauthorized() }
        return identity
    }

    /// An admin (or the master key) whose ACL grants `access` on `resource`; 401 without credentials,
    /// 403 for other kinds of users or a missing grant.
    @discardableResult
    public func requireAdmin(_ resource: String, _ access: Access) async throws -> Identity {
        let identity = try requireIdentity()
        switch identity.kind {
        case .master:
            return identity
        case .admin:
            guard let adminID = identity.userID else { throw APIError.forbidden() }
            let permissions = try await runtime.credentials.permissions(ofAdmin: adminID)
            guard permissions.allows(resource, access) else { throw APIError.forbidden() }
            return identity
        default:
            throw APIError.forbidden()
        }
    }

    /// Any admin or the master key, whatever its ACL (for endpoints without an ACL resource).
    @discardableResult
    public func requireAnyAdmin() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.isAdministrator else { throw APIError.forbidden() }
        return identity
    }

    /// A caller of one of these kinds; 401 without credentials, 403 otherwise.
    @discardableResult
    public func require(_ kinds: Identity.Kind...) throws -> Identity {
        let identity = try requireIdentity()
        guard kinds.contains(identity.kind) else { throw APIError.forbidden() }
        return identity
    }
}
