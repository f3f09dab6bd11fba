import Foundation
import Postgres

/// A `{key, value}` label of a transaction or an item.
struct Label: Codable, Sendable, Hashable {
    var key: String
    var value: String
}

/// `{key, value, multiplier}` of a `multiply_by_product_labels` rule.
struct LabelMultiplier: Codable, Sendable, Hashable {
    var key: String
    var value: String
    var multiplier: Amount
}

/// The machine values of `earningRule[type]` (ledger §3.1), with the human labels the seed lists.
enum RuleType: String, Sendable, CaseIterable {
    case points, event, customEvent = "custom_event", referral, productPurchase = "product_purchase"
    case multiplyForProduct = "multiply_for_product", multiplyByProductLabels = "multiply_by_product_labels"
    case qrcode, geolocation, instantReward = "instant_reward"

    init?(input: String) {
        let labels: [String: RuleType] = [
            "general spending rule": .points, "event rule": .event, "custom event rule": .customEvent,
            "customer referral": .referral, "product purchase": .productPurchase, "multiple earned points": .multiplyForProduct,
            "multiply earned points": .multiplyForProduct, "multiple by product labels": .multiplyByProductLabels,
            "multiply by product labels": .multiplyByProductLabels, "qr code": .qrcode, "instant reward": .instantReward,
        ]
        if let type = RuleType(rawValue: input) ?? labels[input.lowercased()] { self = type } else { return nil }
    }

    /// Transactional rules in the order they apply (extensions §6.2); nil for the others.
    var transactionPriority: Int? {
        switch self {
        case .points: 1
        case .multiplyForProduct, .multiplyByProductLabels, .instantReward: 2
        case .productPurchase: 3
        default: nil
        }
    }
}

/// Parameters only some rule types have.
struct RuleConfig: Codable, Sendable, Hashable {
    var pointValue: Amount?
    var pointsAmount: Amount?
    var excludedSKUs: [String]?
    var excludeDeliveryCost: Bool?
    var minOrderValue: Amount?
    var labelsInclusionType: String?
    var excludedLabels: [Label]?
    var includedLabels: [Label]?
    var multiplier: Amount?
    var labels: [Label]?
    var labelMultipliers: [LabelMultiplier]?
    var skuIds: [String]?
    var rewardType: String?
    var code: String?
    var latitude: String?
    var longitude: String?
    var radius: String?
    var rewardCampaignId: String?
}

/// The usage limit of custom-event, QR-code and geolocation rules.
struct RuleLimit: Sendable, Hashable {
    var active: Bool
    var period: String?
    var limit: Int?
}

struct EarningRule: Sendable, Hashable {
    var id: UUID
    var type: RuleType
    var name: String
    var description: String
    var active: Bool
    var allTimeActive: Bool
    var startAt: Date?
    var endAt: Date?
    var target: String?
    var levels: [UUID]
    var segments: [UUID]
    var pos: [UUID]
    var eventName: String?
    var config: RuleConfig
    var limit: RuleLimit?
    var lastExecutedRule: Bool
    var hasPhoto: Bool = false
    var updatedAt: Date = Date()

    /// What an `instant_reward` rule gives: its reward campaign, for the sale that matched it.
    struct InstantReward: Sendable, Hashable {
        let ruleID: UUID
        let campaignID: UUID
    }

    /// The reward of an `instant_reward` rule; nil for other rules (or a campaign id that is no UUID).
    var instantReward: InstantReward? {
        guard type == .instantReward, let campaign = config.rewardCampaignId.flatMap(UUID.init(uuidString:)) else { return nil }
        return InstantReward(ruleID: id, campaignID: campaign)
    }

    /// Whether the rule is switched on and `date` falls in its activity window.
    func isActive(at date: Date) -> Bool {
        guard active else { return false }
        if allTimeActive { return true }
        guard let startAt, let endAt else { return false }
        return startAt <= date && date <= endAt
    }

    /// Whether the rule targets this customer: an untargeted rule (no level, no segment) targets everyone
    /// (decision ledger A-TARGET); a targeted one needs the customer's level or one of their segments.
    func targets(_ customer: CustomerProfile) -> Bool {
        if levels.isEmpty && segments.isEmpty { return true }
        if let level = customer.levelID, levels.contains(level) { return true }
        return !Set(segments).isDisjoint(with: customer.segmentIDs)
    }

    /// A POS-restricted rule applies only to that POS (extensions §6.1).
    func applies(toPOS posID: UUID?) -> Bool {
        pos.isEmpty || posID.map(pos.contains) == true
    }
}

/// What earning rules need to know of a customer.
struct CustomerProfile: Sendable {
    var id: UUID
    var levelID: UUID?
    var segmentIDs: Set<UUID> = []
    var active: Bool = true
}
