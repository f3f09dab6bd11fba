import Foundation
import Logging
import Postgres
import ServiceKit

/// Awards log-in points (`CustomerLoggedIn` from auth, the `oloy.customer.logged_in` event rule), referral points of `register` rules when a customer registers through an invitation
/// (`CustomerWasAttachedToInvitation`), and sign-up points when the customers service registers a customer (`CustomerWasRegistered`):
/// the store's `event` rule for `oloy.account.created`, in the transaction that takes the event off the
/// queue, so each registration pays once however many replicas run.
enum SignUpReaction {
    static let consumerName = "ledger-sign-up"
    static let eventType = "CustomerWasRegistered"
    static let invitationEventType = "CustomerWasAttachedToInvitation"
    /// Events that carry the customer's consents (`agreement2`, marketing): the newsletter rule.
    static let consentEventTypes = ["CustomerWasActivated", "CustomerDetailsWereUpdated"]
    static let newsletterEvent = "oloy.customer.newsletter_subscription"
    /// A periodic level recalculation that resets points (customers decision §LE).
    static let levelRecalculatedType = "CustomerLevelWasRecalculated"
    /// A customer's log-in (auth): the store's `oloy.customer.logged_in` event rule pays on every one.
    static let loggedInType = "CustomerLoggedIn"
    static let loggedInEvent = "oloy.customer.logged_in"

    static func consumer(_ runtime: ServiceRuntime) -> EventConsumer {
        EventConsumer(name: consumerName, eventTypes: [eventType, invitationEventType, levelRecalculatedType, loggedInType] + consentEventTypes, runtime: runtime) { event, session in
            try await handle(event, on: session, stores: runtime.stores)
        }
    }

    struct Payload: Decodable {
        let customerId: UUID
        let agreement2: Bool?
        let resetPoints: Bool?
    }

    static func handle(_ event: StoredEvent, on session: PostgresSession, stores: StoreDirectory) async throws {
        guard let storeID = event.storeID, let store = try await stores.activeStore(id: storeID) else { return }
        let payload = try event.payload.decode(as: Payload.self)
        guard let customer = try await CustomerDirectory.find(on: session, storeID: storeID, id: payload.customerId) else { return }
        if event.type == levelRecalculatedType {
            if payload.resetPoints == true { try await PointsLedger.reset(on: session, storeID: storeID, customerID: customer.id, actor: .system) }
            return
        }
        if event.type == loggedInType {
            _ = try await EventAwards.systemEvent(on: session, store: store, customer: customer, eventName: loggedInEvent, actor: .system)
            return
        }
        if event.type == invitationEventType {
            try await EventAwards.referral(on: session, store: store, recipient: customer, trigger: "register", actor: .system)
            return
        }
        if event.type == eventType {
            _ = try await EventAwards.systemEvent(on: session, store: store, customer: customer, eventName: "oloy.account.created", actor: .system)
        }
        if payload.agreement2 == true { try await newsletter(on: session, store: store, customer: customer) }
    }

    /// The newsletter rule pays once per customer, the first time their marketing consent is seen while they
    /// may earn (extensions §6.3).
    static func newsletter(on session: PostgresSession, store: Store, customer: LedgerCustomer) async throws {
        _ = try await session.query("SELECT pg_advisory_xact_lock(hashtextextended(\(store.id.text + "|newsletter|" + customer.id.text), 0))")
        let paid = try await session.query("""
            SELECT EXISTS (SELECT 1 FROM ledger.transfers t JOIN ledger.earning_rules r ON r.store_id = t.store_id AND r.id = t.earning_rule_id
                           WHERE t.store_id = \(store.id) AND t.customer_id = \(customer.id) AND r.type = 'event'
                             AND r.event_name = \(newsletterEvent))
            """).scalar(Bool.self)
        guard !paid else { return }
        _ = try await EventAwards.systemEvent(on: session, store: store, customer: customer, eventName: newsletterEvent, actor: .system)
    }
}
