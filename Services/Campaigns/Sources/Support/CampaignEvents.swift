import Foundation
import Postgres
import ServiceKit

/// Appends the domain event of a change in the change's transaction (DESIGN §2 "Events").
enum CampaignEvents {
    static func append(
        _ type: String, aggregate: String, id: UUID, payload: [String: String], context: StoreContext, on tx: PostgresSession
    ) async throws {
        try await EventLog.append(try NewEvent(
            storeID: context.store.id, aggregateType: aggregate, aggregateID: id.text, type: type, payload: payload,
            actor: Actor(context.identity, ip: context.clientAddress)
        ), on: tx)
    }
}
