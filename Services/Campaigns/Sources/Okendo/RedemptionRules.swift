import Foundation
import Postgres
import ServiceKit

/// Okendo redemption rules are the store's reward campaigns that can be bought now (okendo §8.1): switched on,
/// in their activity and visibility windows, handing out a code from a pool (or a custom reward). Cashback and
/// percentage discounts are not bought from a list (decision okendo redemption rules).
enum RedemptionRules {
    static func running(on db: some PostgresQueryable, storeID: UUID, now: Date = Date()) async throws -> [Campaign] {
        try await CampaignRepository.list(on: db, storeID: storeID, where: "c.active", page: nil).campaigns.filter { isRule($0, at: now) }
    }

    /// Whether the campaign is a redemption rule at `date`.
    static func isRule(_ campaign: Campaign, at date: Date = Date()) -> Bool {
        !campaign.reward.singleUnit && campaign.isActive(at: date) && campaign.isVisible(at: date)
    }

    /// The Okendo `type` of a campaign's reward.
    static func type(of campaign: Campaign) -> String {
        switch campaign.reward {
        case .giftCode: "free-product"
        case .freeDeliveryCode: "free-shipping"
        default: "fixed-value"
        }
    }

    /// The merchant projection (M6, okendo §2.10).
    struct MerchantView: Encodable, Sendable {
        struct Reward: Encodable, Sendable {
            let awardVia = "coupon"
            let points: Amount
            let value: Amount
        }

        let redemptionRuleId: String
        let title: String
        let expiresAfterDays: Int
        let minimumPurchase: Amount = .zero
        let purchaseType = "single"
        let recurringCycleLimit = 1
        let type: String
        let reward: Reward

        init(_ campaign: Campaign, locale: String) {
            redemptionRuleId = campaign.id.text
            title = campaign.name(locale)
            expiresAfterDays = campaign.daysValid
            type = RedemptionRules.type(of: campaign)
            reward = Reward(points: campaign.costInPoints, value: campaign.rewardValue ?? .zero)
        }
    }

    /// The storefront projection (S2, S3, S12, okendo §2.10).
    struct StorefrontView: Encodable, Sendable {
        struct Reward: Encodable, Sendable {
            let points: Amount
            let value: Amount
        }
        struct Collection: Encodable, Sendable {}

        let redemptionRuleId: String
        let title: String
        let type: String
        let reward: Reward
        let appliesToCollections: [Collection] = []
        let expiresAfterDays: Int
        let minimumPurchase: Amount = .zero
        let purchaseType = "single"
        let recurringCycleLimit = 1

        init(_ campaign: Campaign, locale: String) {
            redemptionRuleId = campaign.id.text
            title = campaign.name(locale)
            type = RedemptionRules.type(of: campaign)
            reward = Reward(points: campaign.costInPoints, value: campaign.rewardValue ?? .zero)
            expiresAfterDays = campaign.daysValid
        }
    }

    /// `localisation` of S2 and S12: amounts are in the store's currency, at rate 1 (decision okendo redemption rules).
    struct Localisation: Encodable, Sendable {
        struct Currency: Encodable, Sendable {
            let code: String
            let exchangeRate = 1
        }
        let currency: Currency

        init(storeCurrency: String) { currency = Currency(code: storeCurrency.uppercased()) }
    }
}
