import Foundation
import Ledger
import Logging
import Postgres
import ServiceKit

/// Gives instant rewards: when a sale matched an `instant_reward` earning rule, the customer "buys" the rule's
/// campaign for that sale (extensions §6.2): charged its cost in points (usually 0), the coupon picked for the
/// sale (a percentage discount is computed on its value). Nothing happens when the campaign is not active, not
/// aimed at the customer, out of coupons or limits, or the customer lacks the points. A return against the sale
/// recomputes its percentage discounts on the value left.
enum InstantRewardReaction {
    static let consumerName = "campaigns.instant-rewards"

    static func consumer(_ runtime: ServiceRuntime) -> EventConsumer {
        let types = [LedgerLibrary.instantRewardEventType, LedgerLibrary.saleReturnedEventType]
        return EventConsumer(name: consumerName, eventTypes: types, runtime: runtime) { event, session in
            if event.type == LedgerLibrary.saleReturnedEventType {
                try await handleReturn(event, on: session)
            } else {
                try await handle(event, on: session, stores: runtime.stores, logger: runtime.logger)
            }
        }
    }

    struct Payload: Decodable {
        let customerId: UUID
        let transactionId: UUID
        let campaignId: UUID
        let grossValue: Amount
    }

    struct ReturnPayload: Decodable {
        let saleTransactionId: UUID
        let saleValue: Amount
        let returnedValue: Amount
    }

    /// A return against a sale: its percentage-discount rewards follow the value left (extensions §6.6).
    static func handleReturn(_ event: StoredEvent, on session: PostgresSession) async throws {
        guard let storeID = event.storeID else { return }
        let payload = try event.payload.decode(as: ReturnPayload.self)
        let revised = try await PurchaseRepository.reviseForReturn(
            on: session, storeID: storeID, saleID: payload.saleTransactionId, saleValue: payload.saleValue, returned: payload.returnedValue
        )
        for couponID in revised {
            try await PurchaseEvents.appendChanged(PurchaseEvents.revised, couponID: couponID, storeID: storeID, actor: .system, on: session)
        }
    }

    static func handle(_ event: StoredEvent, on session: PostgresSession, stores: StoreDirectory, logger: Logger) async throws {
        guard let storeID = event.storeID, let store = try await stores.activeStore(id: storeID) else { return }
        let payload = try event.payload.decode(as: Payload.self)
        let order = CampaignPurchases.Order(
            campaignID: payload.campaignId, customerID: payload.customerId, mustBeVisible: false, issuer: "system",
            transactionID: payload.transactionId, transactionValue: payload.grossValue
        )
        session.savepoint("instant_reward")
        do {
            _ = try await CampaignPurchases.buy(on: session, store: store, order, actor: .system)
            session.releaseSavepoint("instant_reward")
        } catch let refusal as PurchaseRefusal {
            try await session.rollbackToSavepoint("instant_reward")
            logger.info("instant reward of campaign \(payload.campaignId) not given for transaction \(payload.transactionId): \(refusal)")
        }
    }
}
