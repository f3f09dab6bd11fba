import Foundation
import Postgres
import ServiceKit

/// The `earningRule[...]` form of L-06 (create) and L-07 (full replacement), ledger §1.5 and Appendix B.
enum EarningRuleForm {
    static let schema: FormSchema = [
        "type", "name", "description", "active", "allTimeActive", "startAt", "endAt", "target", "levels", "segments", "pos",
        "eventName", "pointsAmount", "pointValue", "rewardType", "excludeDeliveryCost", "excludedSKUs", "minOrderValue",
        "inclusionType", "excludedLabels", "includedLabels", "multiplier", "labels", "labelMultipliers", "skuIds", "code",
        "latitude", "longitude", "radius", "rewardCampaignId", "lastExecutedRule", .compound("limit", ["active", "period", "limit"]),
    ]
    static let periods: Set<String> = ["day", "week", "month", "3months", "6months", "year", "forever", "3 months", "6 months", "1 year"]
    static let invalidChoice = "The value you selected is not a valid choice."
    static let greaterThanZero = "This value should be greater than 0."
    static let invalidDate = "This value is not a valid datetime."

    /// Reads the form; `current` is the rule being replaced (its id and type stay).
    static func read(_ input: FormValue, current: EarningRule?) throws -> EarningRule {
        guard let form = input["earningRule"], form.map != nil else { throw FormErrors(schema: schema) }
        var errors = FormErrors(schema: schema)
        let type = readType(form, current: current, errors: &errors)
        let name = required(form, "name", &errors)
        let description = form["description"]?.trimmedText ?? ""
        let allTimeActive = form["allTimeActive"]?.bool ?? (form["startAt"] == nil && form["endAt"] == nil)
        var startAt: Date?, endAt: Date?
        if !allTimeActive {
            startAt = date(form, "startAt", &errors)
            endAt = date(form, "endAt", &errors)
            if let startAt, let endAt, startAt > endAt { errors.add("The start date must be before the end date.", at: "endAt") }
        }
        let target = form["target"]?.trimmedText
        if let target, target != "level", target != "segment" { errors.add(invalidChoice, at: "target") }
        var levels = uuids(form, "levels", &errors), segments = uuids(form, "segments", &errors)
        if target == "level" { segments = [] } else if target == "segment" { levels = [] }
        if target == "level", levels.isEmpty { errors.add("Level is empty. Level or segment should be selected.", at: "levels") }
        if target == "segment", segments.isEmpty { errors.add("Segment is empty. Level or segment should be selected.", at: "segments") }
        let pos = uuids(form, "pos", &errors)
        let limit = readLimit(form["limit"], errors: &errors)
        var config = RuleConfig()
        var eventName: String?
        if let type { readConfig(type, form, config: &config, eventName: &eventName, errors: &errors) }
        guard errors.isEmpty, let type, let name else { throw errors }
        return EarningRule(
            id: current?.id ?? UUID(), type: type, name: name, description: description, active: form["active"]?.bool ?? false,
            allTimeActive: allTimeActive, startAt: startAt, endAt: endAt, target: target, levels: levels, segments: segments, pos: pos,
            eventName: eventName, config: config, limit: limit, lastExecutedRule: form["lastExecutedRule"]?.bool ?? false
        )
    }

    private static func readType(_ form: FormValue, current: EarningRule?, errors: inout FormErrors) -> RuleType? {
        guard let text = form["type"]?.trimmedText else {
            if let current { return current.type }
            errors.add(FormMessage.notBlank, at: "type")
            return nil
        }
        guard let type = RuleType(input: text) else {
            errors.add(invalidChoice, at: "type")
            return nil
        }
        if let current, current.type != type {
            errors.add("The type of an earning rule cannot be changed.", at: "type")
            return nil
        }
        return type
    }

    private static func readConfig(_ type: RuleType, _ form: FormValue, config: inout RuleConfig, eventName: inout String?, errors: inout FormErrors) {
        switch type {
        case .points:
            config.pointValue = positive(form, "pointValue", &errors)
            config.excludedSKUs = list(form["excludedSKUs"])
            config.excludeDeliveryCost = form["excludeDeliveryCost"]?.bool ?? false
            config.minOrderValue = form["minOrderValue"]?.amount
            let inclusion = (form["inclusionType"] ?? form["labelsInclusionType"])?.trimmedText ?? "none_labels"
            switch inclusion {
            case "exclude_labels", "exlude_labels": config.labelsInclusionType = "exclude_labels"
            case "include_labels": config.labelsInclusionType = "include_labels"
            case "none", "none_labels": config.labelsInclusionType = "none_labels"
            default: errors.add(invalidChoice, at: "inclusionType")
            }
            config.excludedLabels = labels(form["excludedLabels"])
            config.includedLabels = labels(form["includedLabels"])
        case .event:
            eventName = required(form, "eventName", &errors)
            config.pointsAmount = positive(form, "pointsAmount", &errors)
        case .customEvent:
            eventName = required(form, "eventName", &errors)
            // A custom "points per value" rule (Okendo M5) has `pointValue` instead of a fixed amount.
            if let value = form["pointValue"], !value.isBlank {
                config.pointValue = positive(form, "pointValue", &errors)
            } else {
                config.pointsAmount = positive(form, "pointsAmount", &errors)
            }
        case .referral:
            eventName = required(form, "eventName", &errors)
            if let name = eventName, !["register", "first_purchase", "every_purchase"].contains(name) { errors.add(invalidChoice, at: "eventName") }
            config.rewardType = required(form, "rewardType", &errors)
            if let reward = config.rewardType, !["referred", "referrer", "both"].contains(reward) { errors.add(invalidChoice, at: "rewardType") }
            config.pointsAmount = positive(form, "pointsAmount", &errors)
        case .productPurchase:
            config.skuIds = list(form["skuIds"])
            if config.skuIds?.isEmpty ?? true { errors.add(FormMessage.notBlank, at: "skuIds") }
            config.pointsAmount = positive(form, "pointsAmount", &errors)
        case .multiplyForProduct:
            config.skuIds = list(form["skuIds"])
            config.labels = labels(form["labels"])
            config.multiplier = positive(form, "multiplier", &errors)
            if (config.skuIds?.isEmpty ?? true) && (config.labels?.isEmpty ?? true) { errors.add(FormMessage.notBlank, at: "skuIds") }
        case .multiplyByProductLabels:
            config.labelMultipliers = labelMultipliers(form["labelMultipliers"], errors: &errors)
            if config.labelMultipliers?.isEmpty ?? true { errors.add(FormMessage.notBlank, at: "labelMultipliers") }
        case .qrcode:
            config.code = required(form, "code", &errors)
            config.pointsAmount = positive(form, "pointsAmount", &errors)
        case .geolocation:
            config.latitude = coordinate(form, "latitude", limit: 90, &errors)
            config.longitude = coordinate(form, "longitude", limit: 180, &errors)
            config.radius = positive(form, "radius", &errors)?.description
            config.pointsAmount = positive(form, "pointsAmount", &errors)
        case .instantReward:
            config.rewardCampaignId = required(form, "rewardCampaignId", &errors)
            if let id = config.rewardCampaignId, UUID(uuidString: id) == nil { errors.add(FormMessage.invalid, at: "rewardCampaignId") }
        }
    }

    private static func readLimit(_ value: FormValue?, errors: inout FormErrors) -> RuleLimit? {
        guard let value, value.map != nil else { return nil }
        let active = value["active"]?.bool ?? false
        guard active else { return RuleLimit(active: false) }
        let period = value["period"]?.trimmedText
        if period == nil { errors.add(FormMessage.notBlank, at: "limit", "period") } else if !periods.contains(period!) {
            errors.add(invalidChoice, at: "limit", "period")
        }
        let limit = value["limit"]?.int
        if limit == nil || limit! <= 0 { errors.add("This value must be greater than 0", at: "limit", "limit") }
        return RuleLimit(active: true, period: period, limit: limit)
    }

    private static func required(_ form: FormValue, _ field: String, _ errors: inout FormErrors) -> String? {
        if let text = form[field]?.trimmedText { return text }
        errors.add(FormMessage.notBlank, at: field)
        return nil
    }

    private static func positive(_ form: FormValue, _ field: String, _ errors: inout FormErrors) -> Amount? {
        guard let value = form[field], !value.isBlank else {
            errors.add(FormMessage.notBlank, at: field)
            return nil
        }
        guard let amount = value.amount else {
            errors.add(FormMessage.invalid, at: field)
            return nil
        }
        guard amount.isPositive else {
            errors.add(greaterThanZero, at: field)
            return nil
        }
        return amount
    }

    private static func coordinate(_ form: FormValue, _ field: String, limit: Int, _ errors: inout FormErrors) -> String? {
        guard let text = form[field]?.trimmedText else {
            errors.add(FormMessage.notBlank, at: field)
            return nil
        }
        guard let value = Double(text), abs(value) <= Double(limit) else {
            errors.add(FormMessage.invalid, at: field)
            return nil
        }
        return text
    }

    private static func date(_ form: FormValue, _ field: String, _ errors: inout FormErrors) -> Date? {
        guard let text = form[field]?.trimmedText else {
            errors.add(FormMessage.notBlank, at: field)
            return nil
        }
        guard let date = Timestamp.parse(text) else {
            errors.add(invalidDate, at: field)
            return nil
        }
        return date
    }

    /// UUIDs of `levels[0]=…` (or one value); the seed's literal `[ ]` means none.
    private static func uuids(_ form: FormValue, _ field: String, _ errors: inout FormErrors) -> [UUID] {
        guard let value = form[field] else { return [] }
        var ids: [UUID] = []
        for item in value.list ?? [value] {
            guard let text = item.trimmedText, text != "[ ]", text != "[]" else { continue }
            guard let id = UUID(uuidString: text) else {
                errors.add(FormMessage.invalid, at: field)
                return []
            }
            ids.append(id)
        }
        return ids
    }

    /// A list sent as `skuIds[0]=…` or as one `;`-separated text (`SKU1;SKU2`).
    private static func list(_ value: FormValue?) -> [String] {
        guard let value else { return [] }
        if let items = value.list { return items.compactMap(\.trimmedText) }
        return (value.trimmedText ?? "").split(separator: ";").map { $0.trimmedSpaces }.filter { !$0.isEmpty }
    }

    /// `k1:v1;k2:v2`, or a list of `{key, value}`.
    private static func labels(_ value: FormValue?) -> [Label] {
        guard let value else { return [] }
        if let items = value.list {
            return items.compactMap { item in
                guard let key = item["key"]?.trimmedText else { return nil }
                return Label(key: key, value: item["value"]?.string ?? "")
            }
        }
        return list(value).compactMap { pair in
            let parts = pair.split(separator: ":", maxSplits: 1).map(String.init)
            guard let key = parts.first, !key.isEmpty else { return nil }
            return Label(key: key, value: parts.count > 1 ? parts[1] : "")
        }
    }

    private static func labelMultipliers(_ value: FormValue?, errors: inout FormErrors) -> [LabelMultiplier] {
        guard let items = value?.list else { return [] }
        var result: [LabelMultiplier] = []
        for item in items {
            guard let key = item["key"]?.trimmedText, let multiplier = item["multiplier"]?.amount, multiplier.isPositive else {
                errors.add(FormMessage.invalid, at: "labelMultipliers")
                return []
            }
            result.append(LabelMultiplier(key: key, value: item["value"]?.string ?? "", multiplier: multiplier))
        }
        return result
    }
}
