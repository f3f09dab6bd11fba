import Foundation
import Postgres
import ServiceKit

/// The `settings[...]` form of ST-02 (extensions §5.2): a full replacement of the form's keys — an omitted
/// checkbox is false, an omitted optional text is cleared, a required one is refused — with the cross-field rules
/// of the upstream form (expiry days, locked days, level downgrade, delivery SKUs).
struct SettingsForm: Sendable {
    static let schema = FormSchema(SettingKeys.all.map { FormField.field($0.name) })
    static let invalidURL = "This value is not a valid URL."
    static let invalidColor = "This value is not a valid hex color."

    var values: [String: JSONValue] = [:]
    var errors = FormErrors(schema: SettingsForm.schema)

    init(_ input: FormValue) throws {
        guard let fields = input["settings"]?.map else { throw FormErrors(schema: Self.schema) }
        let form = FormValue.map(Self.mappingLegacyKeys(fields))
        for key in SettingKeys.all {
            values[key.name] = read(key, form[key.name])
        }
        applyRules()
    }

    /// The legacy expiry keys of the 3.2 REST doc (extensions §5.2, X-7): `allTimeActive` stands for
    /// `pointsDaysExpiryAfter` (`all_time_active` when checked, else `after_x_days`) and `pointsDaysActive` for
    /// `pointsDaysActiveCount`, each only when the current key is not sent. They are not stored under the old names.
    static func mappingLegacyKeys(_ fields: FormMap) -> FormMap {
        var fields = fields
        if fields["pointsDaysExpiryAfter"] == nil, let allTimeActive = fields["allTimeActive"] {
            fields["pointsDaysExpiryAfter"] = .string(FormCheck.checkbox(allTimeActive) ? "all_time_active" : "after_x_days")
        }
        if fields["pointsDaysActiveCount"] == nil, let days = fields["pointsDaysActive"] {
            fields["pointsDaysActiveCount"] = days
        }
        return fields
    }

    private mutating func read(_ key: SettingKey, _ value: FormValue?) -> JSONValue? {
        let name = key.name
        switch key.kind {
        case .text(let required):
            guard let text = value?.trimmedText else {
                if required { errors.add(FormMessage.notBlank, at: name) }
                return nil
            }
            return .string(text)
        case .choice(let options):
            guard let text = value?.trimmedText else {
                errors.add(FormMessage.notBlank, at: name)
                return nil
            }
            guard options.contains(text) else {
                errors.add(FormMessage.invalid, at: name)
                return nil
            }
            return .string(text)
        case .flag:
            return .bool(FormCheck.checkbox(value))
        case .integer:
            guard let value, !value.isBlank else { return nil }
            guard let number = value.int, number >= 0 else {
                errors.add(FormMessage.invalid, at: name)
                return nil
            }
            return .integer(Int64(number))
        case .strings:
            return .array(Self.strings(value).map(JSONValue.string))
        case .statuses:
            let statuses = Self.strings(value)
            if statuses.isEmpty { errors.add(FormMessage.notBlank, at: name) }
            else if !statuses.allSatisfy(SettingKeys.statuses.contains) { errors.add(FormMessage.invalid, at: name) }
            return .array(statuses.map(JSONValue.string))
        case .identificationPriority:
            guard let items = value?.list, !items.isEmpty else { return nil }
            var result: [JSONValue] = []
            for item in items {
                guard let priority = item["priority"]?.int, let field = item["field"]?.trimmedText,
                      ["email", "phone", "loyaltyCardNumber"].contains(field)
                else {
                    errors.add(FormMessage.invalid, at: name)
                    return nil
                }
                result.append(.object(["priority": .integer(Int64(priority)), "field": .string(field)]))
            }
            return .array(result)
        case .url:
            guard let text = value?.trimmedText else { return nil }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                errors.add(Self.invalidURL, at: name)
                return nil
            }
            return .string(text)
        case .color:
            guard let text = value?.trimmedText else { return nil }
            let hex = text.dropFirst()
            guard text.hasPrefix("#"), [3, 6].contains(hex.count), hex.allSatisfy(\.isHexDigit) else {
                errors.add(Self.invalidColor, at: name)
                return nil
            }
            return .string(text)
        case .faq:
            guard let items = value?.list else { return .array([]) }
            var result: [JSONValue] = []
            for item in items {
                guard let question = item["question"]?.trimmedText, let answer = item["answer"]?.trimmedText else {
                    errors.add(FormMessage.invalid, at: name)
                    return nil
                }
                result.append(.object(["question": .string(question), "answer": .string(answer)]))
            }
            return .array(result)
        }
    }

    /// The rules between keys (extensions §5.2).
    private mutating func applyRules() {
        if values["pointsDaysExpiryAfter"]?.text == "after_x_days", (values["pointsDaysActiveCount"]?.int ?? 0) == 0,
           errors.messages(at: "pointsDaysActiveCount").isEmpty {
            errors.add(FormMessage.notBlank, at: "pointsDaysActiveCount")
        }
        if values["allTimeNotLocked"]?.bool == false, (values["pointsDaysLocked"]?.int ?? 0) == 0,
           errors.messages(at: "pointsDaysLocked").isEmpty {
            errors.add(FormMessage.notBlank, at: "pointsDaysLocked")
        }
        if values["excludeDeliveryCostsFromTierAssignment"]?.bool == true, (values["excludedDeliverySKUs"]?.array ?? []).isEmpty {
            errors.add(FormMessage.notBlank, at: "excludedDeliverySKUs")
        }
        if values["tierAssignType"]?.text == "transactions" { values["levelDowngradeMode"] = .string("none") }
        if values["levelDowngradeMode"]?.text == "after_x_days" {
            if (values["levelDowngradeDays"]?.int ?? 0) < 1, errors.messages(at: "levelDowngradeDays").isEmpty {
                errors.add(FormMessage.notBlank, at: "levelDowngradeDays")
            }
            if values["levelDowngradeBase"]?.text == "none" { errors.add(FormMessage.notBlank, at: "levelDowngradeBase") }
        } else {
            values["levelDowngradeDays"] = nil
            values["levelDowngradeBase"] = .string("none")
            values["levelResetPointsOnDowngrade"] = .bool(false)
        }
        if values["levelDowngradeBase"]?.text != "active_points" { values["levelResetPointsOnDowngrade"] = .bool(false) }
    }

    /// A list of strings: a list, or one comma-separated string.
    static func strings(_ value: FormValue?) -> [String] {
        guard let value else { return [] }
        if let items = value.list { return items.compactMap(\.trimmedText) }
        return (value.string ?? "").split(separator: ",").map { $0.trimmedSpaces }.filter { !$0.isEmpty }
    }
}
