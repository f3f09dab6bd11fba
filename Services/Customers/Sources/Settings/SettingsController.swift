import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// The program settings of a store (ST-01…ST-06, extensions §5.1).
struct SettingsController {
    let settings = SettingsRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("settings", use: get)
        routes.post("settings", use: update)
        routes.get("settings/public", use: publicSettings)
        routes.get("settings/choices/{type}", use: choices)
        routes.get("settings/activation-method", use: activationMethod)
        routes.get("admin/customer-statuses", use: statuses)
        return routes
    }

    /// ST-01: `{"settings":{…}}`, every key with a value (the defaults included).
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .view)
        return try Response.json(SettingsEnvelope(try await load(context)))
    }

    /// ST-02: replaces the form's keys; `200 {"settings":{…}}` or the 400 form envelope.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        let form = try SettingsForm(try await context.input(from: request))
        guard form.errors.isEmpty else { throw form.errors }
        let storeID = context.store.id, change = context.change
        let saved = try await context.runtime.pool.transaction { tx in
            try await settings.save(on: tx, storeID: storeID, ProgramSettings(values: form.values))
            let saved = try await settings.load(on: tx, storeID: storeID, currency: context.store.currency)
            try await change.record(
                on: tx, store: storeID, event: "SettingsWereChanged", audit: "ChangeSettings", entity: "settings", id: storeID,
                payload: SettingsEnvelope(saved)
            )
            return saved
        }
        return try Response.json(SettingsEnvelope(saved))
    }

    /// ST-03: any authenticated caller of the store.
    @Sendable func publicSettings(_ request: Request, context: StoreContext) async throws -> Response {
        _ = try context.requireIdentity()
        let program = try await load(context)
        return try Response.json(["settings": ["allowCustomersProfileEdits": program.allowCustomersProfileEdits]])
    }

    /// ST-04: anonymous; `{"choices":…}`, 404 for an unknown type.
    @Sendable func choices(_ request: Request, context: StoreContext) async throws -> Response {
        let type = try context.textParameter("type")
        let choices = try await SettingChoices.choices(type, storeID: context.store.id, on: context.runtime.pool).orThrow(APIError.notFound)
        return try Response.json(["choices": choices])
    }

    /// ST-05: anonymous; `{"method":"email"|"sms"}`.
    @Sendable func activationMethod(_ request: Request, context: StoreContext) async throws -> Response {
        try Response.json(["method": try await load(context).activationMethod])
    }

    /// ST-06: `{"statuses":[…],"total":4}`.
    @Sendable func statuses(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .view)
        return try Response.json(StatusList(statuses: SettingKeys.statuses, total: SettingKeys.statuses.count))
    }

    private func load(_ context: StoreContext) async throws -> ProgramSettings {
        try await settings.load(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency)
    }

    struct StatusList: Encodable {
        let statuses: [String]
        let total: Int
    }
}

/// `{"settings":{…}}` without unset keys.
struct SettingsEnvelope: Encodable {
    let settings: [String: JSONValue]

    init(_ program: ProgramSettings) {
        settings = program.values.filter { $0.value != .null }
    }
}

/// The choice lists of ST-04 (extensions §5.4).
enum SettingChoices {
    static func choices(_ type: String, storeID: UUID, on database: some PostgresQueryable) async throws -> JSONValue? {
        switch type {
        case "availableCustomerStatuses": return strings(SettingKeys.statuses)
        case "availableAccountActivationMethods": return strings(["email", "sms"])
        case "availablePointExpireAfter":
            return labels([
                "all_time_active": "All time active", "after_x_days": "After X days",
                "at_the_end_of_the_month": "At the end of the month", "at_the_end_of_the_year": "At the end of the year",
            ])
        case "deliveryStatus": return strings(["ordered", "shipped", "delivered", "canceled"])
        case "earningRuleLimitPeriod":
            return labels([
                "1 day": "day", "1 week": "week", "1 month": "month", "3 months": "3 months", "6 months": "6 months",
                "1 year": "1 year", "forever": "forever",
            ])
        case "promotedEvents":
            return labels([
                "Customer logged in": "oloy.customer.logged_in", "First purchase": "oloy.transaction.customer_first_transaction",
                "Account created": "oloy.account.created", "Newsletter subscription": "oloy.customer.newsletter_subscription",
            ])
        case "referralEvents": return strings(["register", "first_purchase", "every_purchase"])
        case "referralTypes": return strings(["referred", "referrer", "both"])
        case "availableMarketingVendors":
            let config: [String: JSONValue] = ["api_url": "text", "api_secret": "text", "api_key": "text", "customer_id": "text", "email": "text"]
                .mapValues(JSONValue.string)
            return .object([
                "none": .object(["name": .string("Disabled"), "config": .array([])]),
                "sales_manago": .object(["name": .string("SalesManago"), "config": .object(config)]),
            ])
        case "timezone":
            return .object(Dictionary(TimeZone.knownTimeZoneIdentifiers.map { ($0, JSONValue.string($0)) }, uniquingKeysWith: { first, _ in first }))
        case "country":
            let english = Locale(identifier: "en")
            return .object(Dictionary(Locale.Region.isoRegions.compactMap { region -> (String, JSONValue)? in
                guard region.identifier.count == 2, let name = english.localizedString(forRegionCode: region.identifier) else { return nil }
                return (name, .string(region.identifier))
            }, uniquingKeysWith: { first, _ in first }))
        case "language":
            let english = Locale(identifier: "en")
            return .object(Dictionary(Locale.LanguageCode.isoLanguageCodes.compactMap { code -> (String, JSONValue)? in
                guard code.identifier.count == 2, let name = english.localizedString(forLanguageCode: code.identifier) else { return nil }
                return (name, .string(code.identifier))
            }, uniquingKeysWith: { first, _ in first }))
        case "availableFrontendTranslations":
            let rows = try await database.query("""
                SELECT code, name FROM customers.translations WHERE store_id = \(storeID) ORDER BY position, code
                """)
            return .object(Dictionary(try rows.map { (try $0.decode(String.self, "name"), JSONValue.string(try $0.decode(String.self, "code"))) },
                                      uniquingKeysWith: { first, _ in first }))
        default:
            return nil
        }
    }

    private static func strings(_ values: [String]) -> JSONValue {
        .array(values.map(JSONValue.string))
    }

    private static func labels(_ values: [String: String]) -> JSONValue {
        .object(values.mapValues(JSONValue.string))
    }
}
