import Foundation
import Postgres
import ServiceKit

/// An earning rule as the API shows it (ledger §1.4): common fields, then the type's own parameters.
struct EarningRuleView: Encodable, Sendable {
    let rule: EarningRule
    var levelNames: [String: String] = [:]
    var segmentNames: [String: String] = [:]
    var includePhoto = true

    private enum Key: String, CodingKey {
        case earningRuleId, name, description, type, active, allTimeActive, startAt, endAt, levels, segments, levelNames,
             segmentNames, pos, usages, eventName, pointsAmount, pointValue, limit, hasPhoto, usageUrl, rewardType,
             excludeDeliveryCost, excludedSKUs, minOrderValue, labelsInclusionType, inclusionType, excludedLabels, includedLabels,
             multiplier, labels, labelMultipliers, skuIds, code, latitude, longitude, radius, rewardCampaignId, lastExecutedRule, target
    }

    private struct LimitView: Encodable {
        let active: Bool?
        let period: String?
        let limit: Int?
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(rule.id.text, forKey: .earningRuleId)
        try c.encode(rule.name, forKey: .name)
        try c.encode(rule.description, forKey: .description)
        try c.encode(rule.type.rawValue, forKey: .type)
        try c.encode(rule.active, forKey: .active)
        try c.encode(rule.allTimeActive, forKey: .allTimeActive)
        if !rule.allTimeActive {
            try c.encodeIfPresent(rule.startAt.map(Timestamp.iso), forKey: .startAt)
            try c.encodeIfPresent(rule.endAt.map(Timestamp.iso), forKey: .endAt)
        }
        try c.encodeIfPresent(rule.target, forKey: .target)
        try c.encode(rule.levels.map(\.text), forKey: .levels)
        try c.encode(rule.segments.map(\.text), forKey: .segments)
        try encodeMap(levelNames, forKey: .levelNames, in: &c)
        try encodeMap(segmentNames, forKey: .segmentNames, in: &c)
        try c.encode(rule.pos.map(\.text), forKey: .pos)
        try c.encode([String](), forKey: .usages)
        try c.encodeIfPresent(rule.eventName, forKey: .eventName)
        let config = rule.config
        try c.encodeIfPresent(config.pointsAmount, forKey: .pointsAmount)
        try c.encodeIfPresent(config.pointValue, forKey: .pointValue)
        if rule.type != .event {
            if let limit = rule.limit {
                try c.encode(limit.active ? LimitView(active: true, period: limit.period, limit: limit.limit) : LimitView(active: false, period: nil, limit: nil), forKey: .limit)
            } else {
                try c.encode(LimitView(active: nil, period: nil, limit: nil), forKey: .limit)
            }
        }
        if includePhoto { try c.encode(rule.hasPhoto, forKey: .hasPhoto) }
        if rule.type == .customEvent, let name = rule.eventName {
            try c.encode("/api/v1/earnRule/\(name)/customer/:customerId", forKey: .usageUrl)
        }
        try c.encodeIfPresent(config.rewardType, forKey: .rewardType)
        if rule.type == .points {
            try c.encode(config.excludeDeliveryCost ?? false, forKey: .excludeDeliveryCost)
            try c.encode((config.excludedSKUs ?? []).joined(separator: ";"), forKey: .excludedSKUs)
            try c.encodeIfPresent(config.minOrderValue, forKey: .minOrderValue)
            try c.encode(config.labelsInclusionType ?? "none_labels", forKey: .labelsInclusionType)
            try c.encode(labelText(config.excludedLabels), forKey: .excludedLabels)
            try c.encode(labelText(config.includedLabels), forKey: .includedLabels)
        }
        try c.encodeIfPresent(config.multiplier, forKey: .multiplier)
        if let labels = config.labels, !labels.isEmpty { try c.encode(labels, forKey: .labels) }
        try c.encodeIfPresent(config.labelMultipliers, forKey: .labelMultipliers)
        try c.encodeIfPresent(config.skuIds, forKey: .skuIds)
        try c.encodeIfPresent(config.code, forKey: .code)
        try c.encodeIfPresent(config.latitude.flatMap { Decimal(string: $0) }, forKey: .latitude)
        try c.encodeIfPresent(config.longitude.flatMap { Decimal(string: $0) }, forKey: .longitude)
        try c.encodeIfPresent(config.radius.flatMap(Amount.init(exactly:)), forKey: .radius)
        try c.encodeIfPresent(config.rewardCampaignId, forKey: .rewardCampaignId)
        if rule.type.transactionPriority != nil { try c.encode(rule.lastExecutedRule, forKey: .lastExecutedRule) }
    }

    /// An empty map is `[]`, as the documentation shows it (ledger A-29).
    private func encodeMap(_ map: [String: String], forKey key: Key, in c: inout KeyedEncodingContainer<Key>) throws {
        if map.isEmpty { try c.encode([String](), forKey: key) } else { try c.encode(map, forKey: key) }
    }

    private func labelText(_ labels: [Label]?) -> String {
        (labels ?? []).map { "\($0.key):\($0.value)" }.joined(separator: ";")
    }
}
