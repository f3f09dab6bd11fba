import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Who makes a change, and how it is recorded: its domain event (`suite.events`) and, for changes made
/// through the API, an audit-log entry — both in the transaction that makes the change.
struct Change: Sendable {
    let identity: Identity?
    let ip: String?
    /// Reactions to other events record no audit entry.
    let audited: Bool

    init(by context: some IdentifiedContext) {
        identity = context.identity
        ip = context.clientAddress
        audited = true
    }

    private init(identity: Identity?, ip: String?, audited: Bool) {
        self.identity = identity
        self.ip = ip
        self.audited = audited
    }

    /// Changes the service makes by itself (level recalculation, segment membership).
    static let system = Change(identity: nil, ip: nil, audited: false)

    var actor: Actor { audited ? Actor(identity, ip: ip) : .system }

    /// Appends the event and, when `audit` is given and the change came through the API, the audit entry.
    func record(
        on database: some PostgresQueryable, store: UUID, event: String, audit: String? = nil, entity: String, id: UUID,
        payload: some Encodable
    ) async throws {
        let data = try JSONB(encoding: payload)
        try await EventLog.append(
            NewEvent(storeID: store, aggregateType: entity, aggregateID: id.text, type: event, payload: data, actor: actor),
            on: database
        )
        if audited, let audit {
            try await AuditLog.record(
                AuditEntry(eventType: audit, entityType: entity, entityID: id.text, data: data, storeID: store),
                by: identity, ip: ip, on: database
            )
        }
    }
}
