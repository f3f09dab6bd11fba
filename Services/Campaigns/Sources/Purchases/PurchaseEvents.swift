import Foundation
import Postgres
import ServiceKit

/// The events of purchases (the contract the customers service keeps its `campaignPurchases` from). Every event
/// carries the purchases' whole state, so a reader upserts it whatever order it sees them in.
enum PurchaseEvents {
    static let bought = "CampaignWasBoughtByCustomer"
    static let used = "CampaignCouponWasUsed"
    static let unused = "CampaignCouponWasUnused"
    static let deliveryChanged = "CampaignCouponDeliveryStatusWasChanged"
    static let revised = "CampaignCouponWasRevised"

    /// A purchase as the events tell it.
    struct State: Encodable, Sendable {
        let couponId: String
        let campaignId: String
        let customerId: String
        let code: String
        let purchasedAt: String
        let costInPoints: Amount
        let activeSince: String
        let activeTo: String?
        let used: Bool
        let usageDate: String?
        let deliveryStatus: String
        let canceled: Bool

        init(_ purchase: Purchase) {
            couponId = purchase.id.text
            campaignId = purchase.campaignID.text
            customerId = purchase.customerID.text
            code = purchase.code
            purchasedAt = Timestamp.iso(purchase.purchasedAt)
            costInPoints = purchase.costInPoints
            activeSince = Timestamp.iso(purchase.activeSince)
            activeTo = purchase.activeTo.map(Timestamp.iso)
            used = purchase.used
            usageDate = purchase.usageDate.map(Timestamp.iso)
            deliveryStatus = purchase.deliveryStatus
            canceled = purchase.canceled
        }
    }

    private struct Bought: Encodable {
        let campaignId: String
        let customerId: String
        let costInPoints: Amount
        let coupons: [IssuedCoupon]
        let transactionId: String?
        let purchases: [State]
    }

    private struct Changed: Encodable {
        let campaignId: String
        let customerId: String
        let couponId: String
        let purchase: State
    }

    /// `CampaignWasBoughtByCustomer`: the units one purchase handed out.
    static func appendBought(
        _ purchases: [Purchase], total: Amount, transactionID: UUID?, storeID: UUID, actor: Actor?, on db: some PostgresQueryable
    ) async throws {
        guard let first = purchases.first else { return }
        try await EventLog.append(try NewEvent(
            storeID: storeID, aggregateType: "campaign", aggregateID: first.campaignID.text, type: bought,
            payload: Bought(
                campaignId: first.campaignID.text, customerId: first.customerID.text, costInPoints: total,
                coupons: purchases.map { IssuedCoupon(code: $0.code, id: $0.id.text) }, transactionId: transactionID?.text,
                purchases: purchases.map(State.init)
            ), actor: actor
        ), on: db)
    }

    /// A change of one purchase (`type` is one of `used`, `unused`, `deliveryChanged`, `revised`), read back after it.
    static func appendChanged(_ type: String, couponID: UUID, storeID: UUID, actor: Actor?, on db: some PostgresQueryable) async throws {
        guard let purchase = try await PurchaseRepository.find(on: db, storeID: storeID, id: couponID) else { return }
        try await EventLog.append(try NewEvent(
            storeID: storeID, aggregateType: "campaign", aggregateID: purchase.campaignID.text, type: type,
            payload: Changed(
                campaignId: purchase.campaignID.text, customerId: purchase.customerID.text, couponId: purchase.id.text,
                purchase: State(purchase)
            ), actor: actor
        ), on: db)
    }
}
