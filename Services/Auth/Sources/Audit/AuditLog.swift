import Foundation
import Postgres
import ServiceKit

/// One audit-log entry to record: what happened to which entity.
public struct AuditEntry: Sendable {
    /// What happened, e.g. `RegisterCustomer`, `CreateAdmin`, `AuthenticationSuccess`.
    public var eventType: String
    /// The kind of entity, e.g. `customer`, `admin`, `user`, `store`.
    public var entityType: String
    /// The entity's id; empty when there is none (authentication events).
    public var entityID: String
    /// Event-specific data, shown as is (`[]` when there is nothing to add).
    public var data: JSONB
    /// The store the action concerned, if any.
    public var storeID: UUID?

    public init(eventType: String, entityType: String, entityID: String = "", data: JSONB = JSONB(text: "[]"), storeID: UUID? = nil) {
        self.eventType = eventType
        self.entityType = entityType
        self.entityID = entityID
        self.data = data
        self.storeID = storeID
    }

    /// An entry whose data is any `Encodable` value.
    public init(eventType: String, entityType: String, entityID: String = "", data: some Encodable, storeID: UUID? = nil) throws {
        self.init(eventType: eventType, entityType: entityType, entityID: entityID, data: try JSONB(encoding: data), storeID: storeID)
    }
}

/// Who acted, as the audit log shows it: user name, user id, user type and address.
public struct AuditActor: Sendable, Hashable {
    /// The user name; `<notlogged>` for anonymous actions, empty for failed log-ins.
    public var username: String
    public var userID: String
    /// `admin`, `customer`, `seller`, `master`, `merchant`, `storefront`; empty for anonymous actions.
    public var userType: String
    public var ip: String

    public init(username: String, userID: String = "", userType: String, ip: String?) {
        self.username = username
        self.userID = userID
        self.userType = userType
        self.ip = ip ?? ""
    }

    /// The user name shown for actions of callers that are not logged in.
    public static let notLogged = "<notlogged>"
}

/// The audit log (EP-14…18). Every state-changing admin action of every service records an entry here,
/// in the transaction that makes the change:
///
///     try await AuditLog.record(AuditEntry(eventType: "CreateLevel", entityType: "level", entityID: id),
///                               by: context.identity, ip: context.clientAddress, on: tx)
public enum AuditLog {
    /// Records an entry for the caller behind `identity` (nil: an anonymous caller).
    public static func record(_ entry: AuditEntry, by identity: Identity?, ip: String?, on database: some PostgresQueryable) async throws {
        let actor = try await actor(of: identity, ip: ip, on: database)
        try await record(entry, actor: actor, on: database)
    }

    /// Records an entry for an actor described explicitly (log-ins, where no identity exists yet).
    public static func record(_ entry: AuditEntry, actor: AuditActor, on database: some PostgresQueryable) async throws {
        try await database.execute("""
            INSERT INTO auth.audit_log (id, event_type, entity_type, entity_id, username, user_id, user_type, data, ip, store_id)
            VALUES (\(UUID()), \(entry.eventType), \(entry.entityType), \(entry.entityID), \(actor.username), \(actor.userID),
                    \(actor.userType), \(entry.data)::jsonb, \(actor.ip), \(entry.storeID))
            """)
    }

    /// The audit actor of an identity: admins by user name, customers and sellers by e-mail.
    public static func actor(of identity: Identity?, ip: String?, on database: some PostgresQueryable) async throws -> AuditActor {
        guard let identity else { return AuditActor(username: AuditActor.notLogged, userType: "", ip: ip) }
        let userID = identity.userID?.uuidString.lowercased() ?? ""
        let name: String?
        switch identity.kind {
        case .admin:
            name = try await database.query("SELECT username FROM auth.admins WHERE id = \(identity.userID)").firstRow?.decode(String.self, "username")
        case .customer, .storefront:
            name = try await database.query("""
                SELECT c.email FROM auth.customer_credentials c JOIN auth.stores s ON s.id = c.store_id
                WHERE s.code = \(identity.storeCode) AND c.customer_id = \(identity.userID)
                """).firstRow?.decode(String?.self, "email")
        case .seller:
            name = try await database.query("""
                SELECT c.email FROM auth.seller_credentials c JOIN auth.stores s ON s.id = c.store_id
                WHERE s.code = \(identity.storeCode) AND c.seller_id = \(identity.userID)
                """).firstRow?.decode(String?.self, "email")
        case .master:
            name = "master"
        case .merchant:
            name = identity.merchantUser
        }
        return AuditActor(username: name ?? userID, userID: userID, userType: identity.kind.rawValue, ip: ip)
    }
}
