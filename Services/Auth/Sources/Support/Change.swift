import Foundation
import Postgres
import ServiceKit

/// Records a state change made through the API: its domain event (`suite.events`) and its audit-log entry,
/// both in the transaction that makes the change.
struct Change: Sendable {
    let identity: Identity?
    let ip: String?

    init(by context: some IdentifiedContext) {
        identity = context.identity
        ip = context.clientAddress
    }

    /// - Parameters:
    ///   - event: the event type, e.g. `StoreWasCreated`.
    ///   - audit: the audit event type, e.g. `CreateStore`.
    ///   - entity: the aggregate / entity type, e.g. `store`.
    func record(
        on database: some PostgresQueryable, event: String, audit: String, entity: String, id: String,
        storeID: UUID? = nil, payload: some Encodable
    ) async throws {
        let data = try JSONB(encoding: payload)
        try await EventLog.append(
            NewEvent(storeID: storeID, aggregateType: entity, aggregateID: id, type: event, payload: data, actor: Actor(identity, ip: ip)),
            on: database
        )
        try await AuditLog.record(
            AuditEntry(eventType: audit, entityType: entity, entityID: id, data: data, storeID: storeID),
            by: identity, ip: ip, on: database
        )
    }
}
