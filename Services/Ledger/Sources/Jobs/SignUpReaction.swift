import Foundation
import Logging
import Postgres
import ServiceKit

/// Awards referral points of `register` rules when a customer registers through an invitation
/// (`CustomerWasAttachedToInvitation`), and sign-up points when the customers service registers a customer (`CustomerWasRegistered`):
/// the store's `event` rule for `oloy.account.created`, in the transaction that takes the event off the
/// queue, so each registration pays once however many replicas run.
enum SignUpReaction {
    static let consumerName = "ledger-sign-up"
    static let eventType = "CustomerWasRegistered"
    static let invitationEventType = "CustomerWasAttachedToInvitation"

    static func consumer(_ runtime: ServiceRuntime) -> EventConsumer {
        EventConsumer(name: consumerName, eventTypes: [eventType, invitationEventType], runtime: runtime) { event, session in
            try await handle(event, on: session, stores: runtime.stores)
        }
    }

    struct Payload: Decodable { let customerId: UUID }

    static func handle(_ event: StoredEvent, on session: PostgresSession, stores: StoreDirectory) async throws {
        guard let storeID = event.storeID, let store = try await stores.activeStore(id: storeID) else { return }
        let payload = try event.payload.decode(as: Payload.self)
        guard let customer = try await CustomerDirectory.find(on: session, storeID: storeID, id: payload.customerId) else { return }
        if event.type == invitationEventType {
            try await EventAwards.referral(on: session, store: store, recipient: customer, trigger: "register", actor: .system)
        } else {
            _ = try await EventAwards.systemEvent(on: session, store: store, customer: customer, eventName: "oloy.account.created", actor: .system)
        }
    }
}
