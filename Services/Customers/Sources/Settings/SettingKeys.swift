import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// One program setting: its key, what it holds and its default (extensions §5.2).
struct SettingKey: Sendable {
    enum Kind: Sendable {
        /// Free text; `required` refuses blank.
        case text(required: Bool)
        /// One of the values.
        case choice([String])
        /// A checkbox.
        case flag
        /// A whole number ≥ 0.
        case integer
        /// A list of strings.
        case strings
        /// A non-empty list of customer statuses.
        case statuses
        /// `[{priority, field}]`.
        case identificationPriority
        /// A URL.
        case url
        /// `#rrggbb`.
        case color
        /// `[{question, answer}]` (storefront FAQ).
        case faq
    }

    let name: String
    let kind: Kind
    let defaultValue: JSONValue?
}

/// The keys of the settings form, in the order the form lists them.
enum SettingKeys {
    static let statuses = ["new", "active", "blocked", "deleted"]
    static let expiryMethods = ["all_time_active", "after_x_days", "at_the_end_of_the_month", "at_the_end_of_the_year"]
    static let currencies = ["pln", "usd", "eur", "hkd", "cop"]

    /// The zones `timezone` accepts: the IANA names the platform knows (PostgreSQL reads the same database).
    static let timeZones = TimeZone.knownTimeZoneIdentifiers + ["UTC"]
    static let knownTimeZones = Set(timeZones)

    static let all: [SettingKey] = [
        SettingKey(name: "currency", kind: .choice(currencies), defaultValue: .string("eur")),
        SettingKey(name: "timezone", kind: .choice(timeZones), defaultValue: .string("Europe/Warsaw")),
        SettingKey(name: "programName", kind: .text(required: true), defaultValue: .string("Loyalty Program")),
        SettingKey(name: "programConditionsUrl", kind: .url, defaultValue: nil),
        SettingKey(name: "programFaqUrl", kind: .url, defaultValue: nil),
        SettingKey(name: "programUrl", kind: .url, defaultValue: nil),
        SettingKey(name: "programPointsSingular", kind: .text(required: true), defaultValue: .string("Point")),
        SettingKey(name: "programPointsPlural", kind: .text(required: true), defaultValue: .string("Points")),
        SettingKey(name: "helpEmailAddress", kind: .text(required: false), defaultValue: nil),
        SettingKey(name: "returns", kind: .flag, defaultValue: .bool(true)),
        SettingKey(name: "allowCustomersProfileEdits", kind: .flag, defaultValue: .bool(true)),
        SettingKey(name: "pointsDaysExpiryAfter", kind: .choice(expiryMethods), defaultValue: .string("after_x_days")),
        SettingKey(name: "pointsDaysActiveCount", kind: .integer, defaultValue: .integer(30)),
        SettingKey(name: "allTimeNotLocked", kind: .flag, defaultValue: .bool(true)),
        SettingKey(name: "pointsDaysLocked", kind: .integer, defaultValue: nil),
        SettingKey(name: "expirePointsNotificationDays", kind: .integer, defaultValue: .integer(10)),
        SettingKey(name: "expireCouponsNotificationDays", kind: .integer, defaultValue: .integer(10)),
        SettingKey(name: "expireLevelsNotificationDays", kind: .integer, defaultValue: .integer(10)),
        SettingKey(name: "tierAssignType", kind: .choice(["points", "transactions"]), defaultValue: .string("transactions")),
        SettingKey(name: "excludeDeliveryCostsFromTierAssignment", kind: .flag, defaultValue: .bool(false)),
        SettingKey(name: "excludedDeliverySKUs", kind: .strings, defaultValue: .array([])),
        SettingKey(name: "excludedLevelSKUs", kind: .strings, defaultValue: .array([])),
        SettingKey(name: "excludedLevelCategories", kind: .strings, defaultValue: .array([.string("category_excluded_from_level")])),
        SettingKey(name: "levelDowngradeMode", kind: .choice(["none", "automatic", "after_x_days"]), defaultValue: .string("none")),
        SettingKey(name: "levelDowngradeDays", kind: .integer, defaultValue: nil),
        SettingKey(
            name: "levelDowngradeBase", kind: .choice(["none", "active_points", "earned_points", "earned_points_since_last_level_change"]),
            defaultValue: .string("none")
        ),
        SettingKey(name: "levelResetPointsOnDowngrade", kind: .flag, defaultValue: .bool(false)),
        SettingKey(name: "customerStatusesEarning", kind: .statuses, defaultValue: .array([.string("active")])),
        SettingKey(name: "customerStatusesSpending", kind: .statuses, defaultValue: .array([.string("active")])),
        SettingKey(name: "customersIdentificationPriority", kind: .identificationPriority, defaultValue: .array([
            .object(["priority": .integer(3), "field": .string("phone")]),
            .object(["priority": .integer(2), "field": .string("loyaltyCardNumber")]),
            .object(["priority": .integer(1), "field": .string("email")]),
        ])),
        SettingKey(name: "accountActivationMethod", kind: .choice(["email", "sms"]), defaultValue: .string("email")),
        SettingKey(name: "marketingVendorsValue", kind: .choice(["none", "sales_manago"]), defaultValue: .string("none")),
        SettingKey(name: "webhooks", kind: .flag, defaultValue: .bool(false)),
        SettingKey(name: "uriWebhooks", kind: .url, defaultValue: nil),
        SettingKey(name: "webhookHeaderName", kind: .text(required: false), defaultValue: nil),
        SettingKey(name: "webhookHeaderValue", kind: .text(required: false), defaultValue: nil),
        SettingKey(name: "accentColor", kind: .color, defaultValue: nil),
        SettingKey(name: "cssTemplate", kind: .text(required: false), defaultValue: nil),
        SettingKey(name: "pushySecretKey", kind: .text(required: false), defaultValue: nil),
        // Storefront (Okendo) program texts: FAQ and legal policies (decision okendo S4/S5).
        SettingKey(name: "faqItems", kind: .faq, defaultValue: .array([])),
        SettingKey(name: "privacyPolicyUrl", kind: .url, defaultValue: nil),
        SettingKey(name: "termsAndConditionsUrl", kind: .url, defaultValue: nil),
        SettingKey(name: "legalPoliciesVersion", kind: .text(required: true), defaultValue: .string("1.0.0")),
        SettingKey(name: "acceptTermsAndJoinProgramButtonText", kind: .text(required: true), defaultValue: .string("Join & Agree")),
    ]

    static let byName: [String: SettingKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
