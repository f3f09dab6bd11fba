import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The `level[...]` form of LV-02 and LV-04 (extensions §1.3). The name comes from
/// `level[translations][en][name]` (or the older `level[name]`); percent fields take whole percents.
struct LevelForm: Sendable {
    static let defaultLocale = "en"
    static let schema: FormSchema = [
        "translations", "name", "description", "active", "conditionValue", "minOrder",
        .compound("reward", ["name", "value", "code"]), "specialRewards",
    ]
    static let notNegative = "This value should be greater than or equal to 0."

    var name = ""
    var description: String?
    var translations: [String: LevelTranslation] = [:]
    var active = false
    var conditionValue = Amount.zero
    var minOrder: Amount?
    var reward = LevelReward(name: "", percent: .zero, code: "")
    var specialRewards: [SpecialReward] = []
    var errors = FormErrors(schema: LevelForm.schema)

    init(_ input: FormValue, current: LevelRecord?) throws {
        guard let form = input["level"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        readNames(form)
        active = FormCheck.checkbox(form["active"])
        conditionValue = amount(form["conditionValue"], at: ["conditionValue"], required: true) ?? .zero
        minOrder = amount(form["minOrder"], at: ["minOrder"], required: false)
        reward = LevelReward(
            name: requiredText(form["reward"]?["name"], at: ["reward", "name"]),
            percent: amount(form["reward"]?["value"], at: ["reward", "value"], required: true) ?? .zero,
            code: requiredText(form["reward"]?["code"], at: ["reward", "code"])
        )
        readSpecialRewards(form["specialRewards"], current: current?.specialRewards ?? [])
    }

    private mutating func readNames(_ form: FormValue) {
        if let map = form["translations"]?.map {
            for (locale, value) in map {
                guard let name = value["name"]?.trimmedText else { continue }
                translations[locale] = LevelTranslation(name: name, description: value["description"]?.trimmedText)
            }
        }
        if let name = form["name"]?.trimmedText, translations[Self.defaultLocale] == nil {
            translations[Self.defaultLocale] = LevelTranslation(name: name, description: form["description"]?.trimmedText)
        }
        guard let main = translations[Self.defaultLocale] else {
            errors.add(FormMessage.notBlank, at: "name")
            return
        }
        name = main.name
        description = main.description
    }

    private mutating func readSpecialRewards(_ value: FormValue?, current: [SpecialReward]) {
        guard let items = value?.list else { return }
        for (index, item) in items.enumerated() {
            let path = ["specialRewards", String(index)]
            let start = item["startAt"]?.trimmedText.flatMap(Timestamps.parseDate)
            let end = item["endAt"]?.trimmedText.flatMap(Timestamps.parseDate)
            if start == nil { errors.add(FormMessage.notBlank, at: path + ["startAt"]) }
            if end == nil { errors.add(FormMessage.notBlank, at: path + ["endAt"]) }
            let existing = current.indices.contains(index) ? current[index] : nil
            specialRewards.append(SpecialReward(
                id: existing?.id ?? UUID(), name: requiredText(item["name"], at: path + ["name"]),
                percent: amount(item["value"], at: path + ["value"], required: true) ?? .zero,
                code: requiredText(item["code"], at: path + ["code"]), active: FormCheck.checkbox(item["active"]),
                createdAt: existing?.createdAt ?? Date(), startAt: start ?? LocalDate(daysSinceEpoch: 0), endAt: end ?? LocalDate(daysSinceEpoch: 0)
            ))
        }
    }

    private mutating func requiredText(_ value: FormValue?, at path: [String]) -> String {
        guard let text = value?.trimmedText else {
            errors.add(FormMessage.notBlank, at: path)
            return ""
        }
        return text
    }

    private mutating func amount(_ value: FormValue?, at path: [String], required: Bool) -> Amount? {
        guard let value, !value.isBlank else {
            if required { errors.add(FormMessage.notBlank, at: path) }
            return nil
        }
        guard let amount = FormCheck.amount(value) else {
            errors.add(FormMessage.invalid, at: path)
            return nil
        }
        guard !amount.isNegative else {
            errors.add(Self.notNegative, at: path)
            return nil
        }
        return amount
    }
}
