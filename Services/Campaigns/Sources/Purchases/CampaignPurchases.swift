import Customers
import Foundation
import Ledger
import Postgres
import ServiceKit

/// Why a purchase was refused (CC-07 and the appendix's buy flow, decision campaigns A43).
enum PurchaseRefusal: Error, Equatable {
    case notFound
    case noCouponsLeft
    case notEnoughPoints
    case limitExceeded
    case limitPerCustomerExceeded
    case notAllowed

    var message: String {
        switch self {
        case .notFound: "Not Found"
        case .noCouponsLeft: "No coupons left"
        case .notEnoughPoints: "Not enough points"
        case .limitExceeded: "Limit exceeded"
        case .limitPerCustomerExceeded: "Limit per customer exceeded"
        case .notAllowed: "Not allowed"
        }
    }

    /// `{"error": message}` (400), or the standard 404.
    var apiError: APIError { self == .notFound ? APIError.notFound : APIError.domain(message) }
}

/// A coupon handed out by a purchase.
struct IssuedCoupon: Encodable, Sendable, Hashable {
    let code: String
    let id: String
}

/// Buying a campaign for a customer (CMP-17, CMP-26, CC-07, instant rewards), inside the caller's transaction.
///
/// The campaign's row is locked first, so purchases of one campaign take turns: the global and per-customer
/// limits and the pool are counted with every earlier purchase committed. Points are spent through the ledger
/// library in the same transaction; a refusal at any step leaves nothing written.
enum CampaignPurchases {
    struct Order: Sendable {
        var campaignID: UUID
        var customerID: UUID
        var quantity = 1
        /// Admins may give the reward without charging points.
        var withoutPoints = false
        /// Customers and sellers may buy only what is visible now and aimed at the customer; an instant reward
        /// needs only the aim; admins give anything active.
        var mustBeVisible = true
        var mustBeTargeted = true
        /// Who spends the points, as the transfer's issuer (`admin`, `seller`, `customer`, `system`).
        var issuer = "admin"
        /// The sale an instant reward is given for, and its value (a percentage discount is computed on it).
        var transactionID: UUID?
        var transactionValue: Amount?
        /// Points a cashback exchanges, instead of the campaign's cost.
        var points: Amount?
    }

    static func buy(on tx: PostgresSession, store: Store, _ order: Order, actor: Actor?, now: Date = Date()) async throws -> [IssuedCoupon] {
        let (campaign, customer) = try await offered(on: tx, storeID: store.id, order, now: now)
        let quantity = campaign.reward.singleUnit ? 1 : max(1, order.quantity)
        try await checkLimits(on: tx, storeID: store.id, campaign: campaign, customerID: customer.id, quantity: quantity)
        let unitCost = order.withoutPoints ? Amount.zero : order.points ?? campaign.costInPoints
        let balance = try await LedgerLibrary.availablePoints(on: tx, storeID: store.id, customerID: customer.id)
        let total = unitCost.multiplied(by: Int64(quantity), dividedBy: 1)
        if total.isPositive { try await pay(total, for: campaign, by: customer, store: store, order: order, actor: actor, on: tx) }
        let codes = try await codes(on: tx, store: store, campaign: campaign, quantity: quantity, order: order)
        var purchases: [Purchase] = []
        for code in codes {
            var purchase = Purchase(
                id: UUID(), campaignID: campaign.id, customerID: customer.id, code: code, purchasedAt: now, costInPoints: unitCost,
                currentPointsAmount: balance, activeSince: now.addingTimeInterval(Double(campaign.daysInactive) * 86_400), activeTo: nil,
                used: false, transactionID: order.transactionID, deliveryStatus: "", returnedAmount: .zero
            )
            if campaign.daysValid > 0 { purchase.activeTo = purchase.activeSince.addingTimeInterval(Double(campaign.daysValid) * 86_400) }
            try await PurchaseRepository.insert(on: tx, storeID: store.id, purchase)
            purchases.append(purchase)
        }
        let coupons = purchases.map { IssuedCoupon(code: $0.code, id: $0.id.text) }
        try await LedgerLibrary.countRewardsClaimed(on: tx, storeID: store.id, customerID: customer.id, count: coupons.count)
        try await PurchaseEvents.appendBought(purchases, total: total, transactionID: order.transactionID, storeID: store.id, actor: actor, on: tx)
        // Last, so that a campaign without limits or a pool holds its row only from here to the commit.
        let newBuyer = try await PurchaseRepository.addUnits(on: tx, storeID: store.id, campaignID: campaign.id, customerID: customer.id, units: coupons.count)
        try await CampaignRepository.countPurchases(on: tx, storeID: store.id, campaignID: campaign.id, units: coupons.count, newBuyer: newBuyer)
        return coupons
    }

    /// The campaign and the customer, when the campaign is active now and offered to the customer as the order
    /// requires. A campaign with limits or a pool of codes is read locked: its purchases take turns, so limits and
    /// codes are counted with every earlier purchase committed.
    private static func offered(
        on tx: PostgresSession, storeID: UUID, _ order: Order, now: Date
    ) async throws -> (Campaign, CustomerSummary) {
        guard var campaign = try await CampaignRepository.find(on: tx, storeID: storeID, id: order.campaignID),
              let customer = try await CustomersLibrary.customer(on: tx, storeID: storeID, id: order.customerID)
        else { throw PurchaseRefusal.notFound }
        if !campaign.unlimited || (campaign.reward.usesCouponPool && !campaign.singleCoupon) {
            campaign = try await CampaignRepository.find(on: tx, storeID: storeID, id: order.campaignID, lock: true).orThrow(PurchaseRefusal.notFound)
        }
        guard campaign.isActive(at: now) else { throw PurchaseRefusal.notFound }
        if order.mustBeVisible, !campaign.isVisible(at: now) { throw PurchaseRefusal.notFound }
        if order.mustBeTargeted {
            let segments = Set(try await CustomersLibrary.segmentIDs(on: tx, storeID: storeID, customerID: customer.id))
            guard campaign.targets(level: customer.levelID, segments: segments) else { throw PurchaseRefusal.notFound }
        }
        return (campaign, customer)
    }

    /// Spends the points through the ledger, for a customer whose status may spend them (`customerStatusesSpending`).
    private static func pay(
        _ points: Amount, for campaign: Campaign, by customer: CustomerSummary, store: Store, order: Order, actor: Actor?, on tx: PostgresSession
    ) async throws {
        let settings = try await CustomersLibrary.programSettings(on: tx, storeID: store.id, storeCurrency: store.currency)
        guard settings.customerStatusesSpending.contains(customer.status) else { throw PurchaseRefusal.notAllowed }
        let paid = try await LedgerLibrary.spendOnReward(
            on: tx, storeID: store.id, customerID: customer.id, points: points, comment: "Reward campaign: \(campaign.name())",
            issuer: order.issuer, actor: actor
        )
        guard paid else { throw PurchaseRefusal.notEnoughPoints }
    }


    /// The global and per-customer limits, then the pool (appendix "Limit math").
    private static func checkLimits(
        on tx: PostgresSession, storeID: UUID, campaign: Campaign, customerID: UUID, quantity: Int
    ) async throws {
        let usage = try await CampaignRepository.usage(on: tx, storeID: storeID, ids: [campaign.id])[campaign.id] ?? CampaignUsage()
        if !campaign.unlimited {
            let bought = try await PurchaseRepository.units(on: tx, storeID: storeID, campaignID: campaign.id, customerID: customerID)
            if usage.purchases + quantity > campaign.limit ?? 0 { throw PurchaseRefusal.limitExceeded }
            if bought + quantity > campaign.limitPerUser ?? 0 { throw PurchaseRefusal.limitPerCustomerExceeded }
        }
        if campaign.reward.usesCouponPool, !campaign.singleCoupon, usage.freeCoupons < quantity { throw PurchaseRefusal.noCouponsLeft }
    }

    /// The codes handed out: free pool codes, the shared code, a percentage discount's value, or none (cashback, custom).
    private static func codes(on tx: PostgresSession, store: Store, campaign: Campaign, quantity: Int, order: Order) async throws -> [String] {
        switch campaign.reward {
        case _ where campaign.reward.usesCouponPool && campaign.singleCoupon:
            let code = try await CampaignRepository.firstCoupon(on: tx, storeID: store.id, campaignID: campaign.id)
            return Array(repeating: try code.orThrow(PurchaseRefusal.noCouponsLeft), count: quantity)
        case _ where campaign.reward.usesCouponPool:
            let codes = try await PurchaseRepository.takeFreeCodes(on: tx, storeID: store.id, campaignID: campaign.id, count: quantity)
            guard codes.count == quantity else { throw PurchaseRefusal.noCouponsLeft }
            return codes
        case .percentageDiscountCode:
            let value = order.transactionValue ?? .zero
            return [value.multiplied(by: Int64(campaign.transactionPercentageValue ?? 0), dividedBy: 100).description]
        default:
            return Array(repeating: "", count: quantity)
        }
    }
}
