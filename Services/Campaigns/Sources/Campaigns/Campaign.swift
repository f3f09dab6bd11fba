import Foundation
import Postgres

/// The kinds of reward a campaign gives (`campaign[reward]`, campaigns §1.1 and A4).
enum RewardType: String, Sendable, CaseIterable {
    case discountCode = "discount_code", freeDeliveryCode = "free_delivery_code", giftCode = "gift_code"
    case eventCode = "event_code", valueCode = "value_code", cashback, percentageDiscountCode = "percentage_discount_code"
    case customCampaignCode = "custom_campaign_code"

    /// Rewards handed out as codes from the campaign's pool.
    var usesCouponPool: Bool { ![.cashback, .percentageDiscountCode, .customCampaignCode].contains(self) }
    /// Rewards with a validity period after purchase (`daysInactive`, `daysValid`).
    var hasValidity: Bool { ![.cashback, .customCampaignCode].contains(self) }
    /// Rewards bought one at a time (`quantity` is forced to 1).
    var singleUnit: Bool { self == .cashback || self == .percentageDiscountCode }
}

/// A campaign's texts in one locale (campaigns §1.2); `id` is a number kept per locale across updates.
struct CampaignTranslation: Codable, Sendable, Hashable {
    var id: Int
    var locale: String
    var name: String?
    var shortDescription: String?
    var conditionsDescription: String?
    var usageInstruction: String?
    var brandDescription: String?

    static let textFields = ["name", "shortDescription", "conditionsDescription", "usageInstruction", "brandDescription"]
}

/// A `{key, value}` label of a campaign.
struct CampaignLabel: Codable, Sendable, Hashable {
    var key: String
    var value: String
}

/// A reward campaign (campaigns §1.1).
struct Campaign: Sendable, Hashable {
    var id: UUID
    var reward: RewardType
    var translations: [CampaignTranslation]
    var active: Bool
    var categories: [UUID]
    var pushNotificationText: String?
    var pointValue: Amount?
    /// The money value of the reward (Okendo `reward.value`).
    var rewardValue: Amount?
    var cashbackProvider: String?
    var transactionPercentageValue: Int?
    var costInPoints: Amount
    var target: String?
    var levels: [UUID]
    var segments: [UUID]
    var labels: [CampaignLabel]
    var unlimited: Bool
    var singleCoupon: Bool
    var limit: Int?
    var limitPerUser: Int?
    var allTimeVisible: Bool
    var visibleFrom: Date?
    var visibleTo: Date?
    var allTimeActive: Bool
    var activeFrom: Date?
    var activeTo: Date?
    var daysInactive: Int
    var daysValid: Int
    var featured: Bool
    var isPublic: Bool
    /// The coupon pool, in the order codes were added (read with the campaign where it is shown).
    var coupons: [String] = []

    /// Switched on, and `date` in the activity window (campaigns §5b.5).
    func isActive(at date: Date) -> Bool {
        guard active else { return false }
        if allTimeActive { return true }
        guard let activeFrom, let activeTo else { return false }
        return activeFrom <= date && date <= activeTo
    }

    /// `date` in the visibility window (campaigns §5b.4).
    func isVisible(at date: Date) -> Bool {
        if allTimeVisible { return true }
        guard let visibleFrom, let visibleTo else { return false }
        return visibleFrom <= date && date <= visibleTo
    }

    /// Whether the campaign is aimed at a customer on `level` in `segments` (by its target: levels or segments).
    func targets(level: UUID?, segments customerSegments: Set<UUID>) -> Bool {
        if let level, levels.contains(level) { return true }
        return !Set(segments).isDisjoint(with: customerSegments)
    }

    /// The texts in `locale`, else in English, else the first locale's.
    func translation(_ locale: String) -> CampaignTranslation? {
        translations.first { $0.locale == locale } ?? translations.first { $0.locale == "en" } ?? translations.first
    }

    /// The name in `locale` (falling back as `translation` does).
    func name(_ locale: String = "en") -> String { translation(locale)?.name ?? "" }
}

/// How much of a campaign is taken (campaigns §1.1 computed counters).
struct CampaignUsage: Sendable, Hashable {
    /// Units bought by anyone.
    var purchases = 0
    /// Distinct buyers.
    var buyers = 0
    /// Pool codes not yet handed out.
    var freeCoupons = 0

    /// What "no limit" shows as (decision campaigns §0.6, §1.1).
    static let unbounded = Int(Int32.max)

    /// Codes that can still be handed out: the free pool codes, or for a single shared code what the global
    /// limit leaves; unbounded for rewards without a pool.
    func freeCodes(_ campaign: Campaign) -> Int {
        guard campaign.reward.usesCouponPool else { return Self.unbounded }
        guard campaign.singleCoupon else { return freeCoupons }
        return campaign.unlimited ? Self.unbounded : max(0, (campaign.limit ?? 0) - purchases)
    }

    /// Purchases still possible globally: `min(free codes, limit − purchases)`.
    func usageLeft(_ campaign: Campaign) -> Int {
        let free = freeCodes(campaign)
        return campaign.unlimited ? free : min(free, max(0, (campaign.limit ?? 0) - purchases))
    }

    /// Purchases still possible for a customer who bought `customerPurchases` units.
    func usageLeft(_ campaign: Campaign, customerPurchases: Int) -> Int {
        let left = usageLeft(campaign)
        return campaign.unlimited ? left : min(left, max(0, (campaign.limitPerUser ?? 0) - customerPurchases))
    }
}
