import Foundation
import Postgres

/// A transaction item as earning rules see it.
struct EvaluatedItem: Sendable {
    var sku: String
    var grossValue: Amount
    var labels: [Label]
}

/// How many points a transaction earns (extensions §6.2): general spending rules first, then the
/// multipliers, then fixed points per product line; every matching rule applies in turn, a rule flagged
/// `lastExecutedRule` stops the chain once it has executed.
enum TransactionEvaluator {
    struct Result: Sendable, Equatable {
        var points: Amount
        var ruleNames: [String]
        var ruleIDs: [UUID]
        /// The instant-reward rules that matched, in order: the campaigns service gives their rewards.
        var instantRewards: [EarningRule.InstantReward] = []
        var comment: String { ruleNames.joined(separator: ", ") }
    }

    static func evaluate(
        items: [EvaluatedItem], purchaseDate: Date, posID: UUID?, customer: CustomerProfile, rules: [EarningRule],
        deliverySKUs: Set<String> = []
    ) -> Result {
        let candidates = rules
            .filter { $0.type.transactionPriority != nil && $0.isActive(at: purchaseDate) && $0.targets(customer) && $0.applies(toPOS: posID) }
            .sorted { lhs, rhs in
                let (l, r) = (lhs.type.transactionPriority!, rhs.type.transactionPriority!)
                return l != r ? l < r : lhs.updatedAt > rhs.updatedAt
            }
        var points: [String: Amount] = [:]
        var skus: [String] = []
        for item in items where !skus.contains(item.sku) { skus.append(item.sku) }
        var result = Result(points: .zero, ruleNames: [], ruleIDs: [])
        for rule in candidates {
            let executed: Bool
            switch rule.type {
            case .points: executed = applySpending(rule, items: items, deliverySKUs: deliverySKUs, points: &points)
            case .multiplyForProduct: executed = applyMultiplier(rule, items: items, skus: skus, points: &points)
            case .multiplyByProductLabels: executed = applyLabelMultipliers(rule, items: items, skus: skus, points: &points)
            case .productPurchase: executed = applyProductPurchase(rule, items: items, points: &points)
            case .instantReward:
                // Whether the reward can be given (campaign active, limits, coupons) is the campaigns service's
                // to decide, after the sale: here a matching rule counts as executed (decision instant rewards).
                executed = rule.instantReward != nil
                if let reward = rule.instantReward { result.instantRewards.append(reward) }
            default: executed = false
            }
            if executed {
                if rule.type != .instantReward {
                    result.ruleNames.append(rule.name)
                    result.ruleIDs.append(rule.id)
                }
                if rule.lastExecutedRule { break }
            }
        }
        result.points = points.values.reduce(.zero, +)
        return result
    }

    private static func applySpending(_ rule: EarningRule, items: [EvaluatedItem], deliverySKUs: Set<String>, points: inout [String: Amount]) -> Bool {
        let config = rule.config
        guard let pointValue = config.pointValue else { return false }
        let excludeDelivery = config.excludeDeliveryCost ?? false
        let counted = items.filter { !(excludeDelivery && deliverySKUs.contains($0.sku)) }
        let total = counted.reduce(Amount.zero) { $0 + $1.grossValue }
        if let minimum = config.minOrderValue, minimum.isPositive, total < minimum { return false }
        let excluded = Set(config.excludedSKUs ?? [])
        let kept = counted.filter { item in
            guard !excluded.contains(item.sku) else { return false }
            switch config.labelsInclusionType {
            case "exclude_labels": return Set(item.labels).isDisjoint(with: config.excludedLabels ?? [])
            case "include_labels": return !Set(item.labels).isDisjoint(with: config.includedLabels ?? [])
            default: return true
            }
        }
        for item in kept { points[item.sku, default: .zero] += item.grossValue.multiplied(by: pointValue) }
        return !kept.isEmpty
    }

    private static func applyMultiplier(_ rule: EarningRule, items: [EvaluatedItem], skus: [String], points: inout [String: Amount]) -> Bool {
        guard let multiplier = rule.config.multiplier else { return false }
        let skuIDs = Set(rule.config.skuIds ?? []), labels = Set(rule.config.labels ?? [])
        var executed = false
        for sku in skus {
            let matches = skuIDs.contains(sku) || items.contains { $0.sku == sku && !Set($0.labels).isDisjoint(with: labels) }
            guard matches, let current = points[sku] else { continue }
            points[sku] = current.multiplied(by: multiplier)
            executed = true
        }
        return executed
    }

    private static func applyLabelMultipliers(_ rule: EarningRule, items: [EvaluatedItem], skus: [String], points: inout [String: Amount]) -> Bool {
        let entries = rule.config.labelMultipliers ?? []
        var executed = false
        for sku in skus {
            let labels = Set(items.filter { $0.sku == sku }.flatMap(\.labels))
            let matching = entries.filter { labels.contains(Label(key: $0.key, value: $0.value)) }
            guard !matching.isEmpty, let current = points[sku] else { continue }
            points[sku] = matching.reduce(current) { $0.multiplied(by: $1.multiplier) }
            executed = true
        }
        return executed
    }

    private static func applyProductPurchase(_ rule: EarningRule, items: [EvaluatedItem], points: inout [String: Amount]) -> Bool {
        guard let amount = rule.config.pointsAmount else { return false }
        let skuIDs = Set(rule.config.skuIds ?? [])
        var executed = false
        for item in items where skuIDs.contains(item.sku) {
            points[item.sku, default: .zero] += amount
            executed = true
        }
        return executed
    }
}
