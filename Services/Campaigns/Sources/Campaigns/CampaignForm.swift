import Foundation
import Postgres
import ServiceKit

/// The `campaign[...]` form of CMP-05 (create) and CMP-11 (full replacement), campaigns §1.1 and CMP-05 rules.
enum CampaignForm {
    static let translationFields: [FormField] = CampaignTranslation.textFields.map { .field($0) }

    /// The form's fields in the documented order, with a `translations` child per locale.
    static func schema(locales: [String]) -> FormSchema {
        FormSchema([
            "reward", .compound("translations", locales.map { .compound($0, translationFields) }),
            "active", "costInPoints", "target", "levels", "segments", "unlimited", "singleCoupon", "limit", "limitPerUser", "coupons",
            "daysInactive", "daysValid", .compound("campaignVisibility", ["allTimeVisible", "visibleFrom", "visibleTo"]),
            .compound("campaignActivity", ["allTimeActive", "activeFrom", "activeTo"]),
            "categories", "labels", "pointValue", "rewardValue", "cashbackProvider", "pushNotificationText", "featured", "public", "transactionPercentageValue",
        ])
    }

    static let invalidChoice = "The value you selected is not a valid choice."
    static let invalidDate = "This value is not a valid datetime."
    static let notNegative = "This value should be greater than or equal to 0."
    static let positive = "This value should be greater than 0."

    /// Reads the form; `current` is the campaign being replaced (its id and translation ids stay). `categories`,
    /// when given, are the store's category ids: `campaign[categories]` may name only those.
    static func read(_ input: FormValue, current: Campaign?, categories: Set<UUID>? = nil) throws -> Campaign {
        let form = input["campaign"] ?? FormValue.map(FormMap())
        var reader = Reader(form: form, knownCategories: categories)
        let campaign = reader.campaign(current: current)
        guard reader.errors.isEmpty, let campaign else { throw reader.errors }
        return campaign
    }

    /// Collects the campaign and every error of the form.
    private struct Reader {
        let form: FormValue
        let knownCategories: Set<UUID>?
        var errors: FormErrors

        init(form: FormValue, knownCategories: Set<UUID>?) {
            self.form = form
            self.knownCategories = knownCategories
            let locales = ["en"] + (form["translations"]?.map?.keys.filter { $0 != "en" } ?? [])
            errors = FormErrors(schema: CampaignForm.schema(locales: locales))
        }

        mutating func campaign(current: Campaign?) -> Campaign? {
            let reward = rewardType()
            let translations = readTranslations(current: current?.translations ?? [])
            let costInPoints = reward == .cashback || reward == .percentageDiscountCode
                ? (amount("costInPoints", required: false) ?? .zero) : amount("costInPoints", required: true)
            let (target, levels, segments) = targeting()
            let (unlimited, limit, limitPerUser) = limits()
            let singleCoupon = form["singleCoupon"]?.bool ?? false
            let coupons = list(form["coupons"])
            if reward?.usesCouponPool ?? true, coupons.isEmpty { errors.add(FormMessage.notBlank, at: "coupons") }
            var daysInactive = 0, daysValid = 0
            if reward?.hasValidity ?? true {
                daysInactive = integer("daysInactive", minimum: 0) ?? 0
                daysValid = integer("daysValid", minimum: 0) ?? 0
            }
            let visibility = window("campaignVisibility", flag: "allTimeVisible", from: "visibleFrom", to: "visibleTo")
            let activity = window("campaignActivity", flag: "allTimeActive", from: "activeFrom", to: "activeTo")
            let (pointValue, percentage) = typeValues(reward)
            let rewardValue = amount("rewardValue", required: false)
            let categories = categoryIDs()
            guard let reward, let costInPoints else { return nil }
            return Campaign(
                id: current?.id ?? UUID(), reward: reward, translations: translations, active: form["active"]?.bool ?? false,
                categories: categories, pushNotificationText: form["pushNotificationText"]?.trimmedText, pointValue: pointValue,
                rewardValue: rewardValue,
                cashbackProvider: form["cashbackProvider"]?.trimmedText, transactionPercentageValue: percentage, costInPoints: costInPoints,
                target: target, levels: levels, segments: segments, labels: Self.labels(form["labels"]), unlimited: unlimited,
                singleCoupon: singleCoupon, limit: limit, limitPerUser: limitPerUser,
                allTimeVisible: visibility.always, visibleFrom: visibility.from, visibleTo: visibility.to,
                allTimeActive: activity.always, activeFrom: activity.from, activeTo: activity.to,
                daysInactive: daysInactive, daysValid: daysValid, featured: form["featured"]?.bool ?? false,
                isPublic: form["public"]?.bool ?? false, coupons: coupons
            )
        }

        /// `target` with its list: the other list is cleared, the chosen one must not be empty.
        private mutating func targeting() -> (target: String?, levels: [UUID], segments: [UUID]) {
            let target = form["target"]?.trimmedText
            if let target, target != "level", target != "segment" { errors.add(invalidChoice, at: "target") }
            if target == nil { errors.add(FormMessage.notBlank, at: "target") }
            var levels = uuids("levels"), segments = uuids("segments")
            if target == "level" { segments = [] } else if target == "segment" { levels = [] }
            if target == "level", levels.isEmpty { errors.add(FormMessage.notBlank, at: "levels") }
            if target == "segment", segments.isEmpty { errors.add(FormMessage.notBlank, at: "segments") }
            return (target, levels, segments)
        }

        /// `unlimited`, or both limits (at least 1).
        private mutating func limits() -> (unlimited: Bool, limit: Int?, limitPerUser: Int?) {
            let unlimited = form["unlimited"]?.bool ?? false
            guard !unlimited else { return (true, nil, nil) }
            return (false, integer("limit", minimum: 1), integer("limitPerUser", minimum: 1))
        }

        /// A cashback's point value (> 0), a percentage discount's percentage (1–100).
        private mutating func typeValues(_ reward: RewardType?) -> (pointValue: Amount?, percentage: Int?) {
            var pointValue: Amount?, percentage: Int?
            if reward == .cashback {
                pointValue = amount("pointValue", required: true)
                if let value = pointValue, !value.isPositive { errors.add(positive, at: "pointValue") }
            }
            if reward == .percentageDiscountCode {
                percentage = integer("transactionPercentageValue", minimum: 1)
                if let value = percentage, value > 100 { errors.add("This value should be 100 or less.", at: "transactionPercentageValue") }
            }
            return (pointValue, percentage)
        }

        /// Categories of the store: an id of another store's category, or of none, would point the campaign at nothing.
        private mutating func categoryIDs() -> [UUID] {
            let categories = uuids("categories")
            if let knownCategories, !categories.allSatisfy(knownCategories.contains) { errors.add(FormMessage.invalid, at: "categories") }
            return categories
        }

        private mutating func rewardType() -> RewardType? {
            // The create example sends the type inside the English translation (A2).
            guard let text = (form["reward"] ?? form["translations"]?["en"]?["reward"])?.trimmedText else {
                errors.add(FormMessage.notBlank, at: "reward")
                return nil
            }
            guard let type = RewardType(rawValue: text) else {
                errors.add(invalidChoice, at: "reward")
                return nil
            }
            return type
        }

        /// The texts per locale; English needs a name. A locale keeps its translation id across updates.
        private mutating func readTranslations(current: [CampaignTranslation]) -> [CampaignTranslation] {
            var result: [CampaignTranslation] = []
            for (locale, value) in form["translations"]?.map ?? FormMap() {
                var translation = CampaignTranslation(id: current.first { $0.locale == locale }?.id ?? 0, locale: locale)
                translation.name = value["name"]?.trimmedText
                translation.shortDescription = value["shortDescription"]?.trimmedText
                translation.conditionsDescription = value["conditionsDescription"]?.trimmedText
                translation.usageInstruction = value["usageInstruction"]?.trimmedText
                translation.brandDescription = value["brandDescription"]?.trimmedText
                if translation.name != nil || locale == "en" { result.append(translation) }
            }
            if result.first(where: { $0.locale == "en" })?.name == nil { errors.add(FormMessage.notBlank, at: "translations", "en", "name") }
            return result
        }

        private mutating func amount(_ field: String, required: Bool) -> Amount? {
            guard let value = form[field], !value.isBlank else {
                if required { errors.add(FormMessage.notBlank, at: field) }
                return nil
            }
            guard let amount = value.trimmedText.flatMap(Amount.init(exactly:)) else {
                errors.add(FormMessage.invalid, at: field)
                return nil
            }
            guard !amount.isNegative else {
                errors.add(notNegative, at: field)
                return nil
            }
            return amount
        }

        private mutating func integer(_ field: String, minimum: Int) -> Int? {
            guard let value = form[field], !value.isBlank else {
                errors.add(FormMessage.notBlank, at: field)
                return nil
            }
            guard let number = value.int else {
                errors.add(FormMessage.invalid, at: field)
                return nil
            }
            guard number >= minimum else {
                errors.add(minimum == 0 ? notNegative : positive, at: field)
                return nil
            }
            return number
        }

        /// `{allTime…, …From, …To}`: the dates are needed unless the flag is set, and must be in order.
        private mutating func window(_ group: String, flag: String, from: String, to: String) -> (always: Bool, from: Date?, to: Date?) {
            let value = form[group]
            if value?[flag]?.bool ?? false { return (true, nil, nil) }
            let start = date(value?[from], group, from), end = date(value?[to], group, to)
            if let start, let end, start > end { errors.add("The end date must be after the start date.", at: group, to) }
            return (false, start, end)
        }

        private mutating func date(_ value: FormValue?, _ group: String, _ field: String) -> Date? {
            guard let text = value?.trimmedText else {
                errors.add(FormMessage.notBlank, at: group, field)
                return nil
            }
            guard let date = UTCTime.parse(text) else {
                errors.add(invalidDate, at: group, field)
                return nil
            }
            return date
        }

        /// UUIDs of `levels[0]=…` (or one value).
        private mutating func uuids(_ field: String) -> [UUID] {
            guard let value = form[field] else { return [] }
            var ids: [UUID] = []
            for item in value.list ?? [value] {
                guard let text = item.trimmedText else { continue }
                guard let id = UUID(uuidString: text) else {
                    errors.add(FormMessage.invalid, at: field)
                    return []
                }
                if !ids.contains(id) { ids.append(id) }
            }
            return ids
        }

        /// Labels sent as `key:value;key1:value1`, or as a list of `{key, value}`.
        static func labels(_ value: FormValue?) -> [CampaignLabel] {
            guard let value else { return [] }
            if let items = value.list {
                return items.compactMap { item in item["key"]?.trimmedText.map { CampaignLabel(key: $0, value: item["value"]?.string ?? "") } }
            }
            return (value.trimmedText ?? "").split(separator: ";").compactMap { pair in
                let parts = pair.split(separator: ":", maxSplits: 1).map { String($0).trimmedSpaces }
                guard let key = parts.first, !key.isEmpty else { return nil }
                return CampaignLabel(key: key, value: parts.count > 1 ? parts[1] : "")
            }
        }
    }

    /// Coupon codes sent as `coupons[0]=…`, trimmed, without blanks or repeats, in order.
    static func list(_ value: FormValue?) -> [String] {
        guard let value else { return [] }
        var codes: [String] = [], seen = Set<String>()
        for item in value.list ?? [value] {
            guard let code = item.trimmedText ?? item.string.map({ $0.trimmedSpaces }), !code.isEmpty, seen.insert(code).inserted else { continue }
            codes.append(code)
        }
        return codes
    }
}
