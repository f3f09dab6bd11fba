import Foundation
import Postgres
import ServiceKit

/// Keeps `customers.campaign_purchases` from the campaigns service's purchase events: each event carries the whole
/// state of the purchases it is about (`purchases` when bought, `purchase` when changed), upserted unless a newer
/// event was applied already.
struct CampaignPurchaseConsumer {
    static let name = "customers.campaign-purchases"
    static let eventTypes = [
        "CampaignWasBoughtByCustomer", "CampaignCouponWasUsed", "CampaignCouponWasUnused",
        "CampaignCouponDeliveryStatusWasChanged", "CampaignCouponWasRevised",
    ]

    static func consumer(_ runtime: ServiceRuntime) -> EventConsumer {
        EventConsumer(name: name, eventTypes: eventTypes, runtime: runtime) { event, tx in
            try await handle(event, on: tx)
        }
    }

    struct State: Decodable {
        let couponId: UUID
        let campaignId: UUID
        let customerId: UUID
        let code: String
        let purchasedAt: String
        let costInPoints: Amount
        let activeSince: String
        let activeTo: String?
        let used: Bool
        let usageDate: String?
        let deliveryStatus: String
        let canceled: Bool
    }

    struct Payload: Decodable {
        let purchases: [State]?
        let purchase: State?
    }

    static func handle(_ event: StoredEvent, on tx: PostgresSession) async throws {
        guard let storeID = event.storeID else { return }
        let payload = try event.payload.decode(as: Payload.self)
        for state in payload.purchases ?? payload.purchase.map { [$0] } ?? [] {
            try await upsert(state, storeID: storeID, eventID: event.id, on: tx)
        }
    }

    private static func upsert(_ state: State, storeID: UUID, eventID: Int64, on tx: PostgresSession) async throws {
        let date = { (text: String?) in text.flatMap(Timestamps.parseDateTime) }
        try await tx.execute("""
            INSERT INTO customers.campaign_purchases AS p (store_id, coupon_id, customer_id, campaign_id, code, purchased_at, cost_in_points,
                active_since, active_to, used, usage_date, delivery_status, canceled, event_id)
            VALUES (\(storeID), \(state.couponId), \(state.customerId), \(state.campaignId), \(state.code),
                \(date(state.purchasedAt) ?? Date()), \(state.costInPoints), \(date(state.activeSince) ?? Date()), \(date(state.activeTo)),
                \(state.used), \(date(state.usageDate)), \(state.deliveryStatus), \(state.canceled), \(eventID))
            ON CONFLICT (store_id, coupon_id) DO UPDATE SET
                code = excluded.code, active_since = excluded.active_since, active_to = excluded.active_to, used = excluded.used,
                usage_date = excluded.usage_date, delivery_status = excluded.delivery_status, canceled = excluded.canceled,
                event_id = excluded.event_id
            WHERE p.event_id < excluded.event_id
            """)
    }
}
