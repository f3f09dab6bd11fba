import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit
import Synchronization

/// The program settings of one store: what was saved over the defaults (extensions §5.2).
struct ProgramSettings: Sendable {
    /// Every key with a value, the defaults included; unset keys are absent.
    var values: [String: JSONValue]

    /// The defaults, with the store's currency.
    static func defaults(currency: String) -> ProgramSettings {
        var values: [String: JSONValue] = [:]
        for key in SettingKeys.all { values[key.name] = key.defaultValue }
        let code = currency.lowercased()
        if SettingKeys.currencies.contains(code) { values["currency"] = .string(code) }
        return ProgramSettings(values: values)
    }

    /// The stored document (nil: nothing saved) over the defaults; a key saved as null stays unset.
    static func over(defaults currency: String, stored: JSONB?) -> ProgramSettings {
        let key = currency + "\u{0}" + (stored?.text ?? "")
        if let known = recentlyParsed.withLock({ $0[key] }) { return known }
        var settings = defaults(currency: currency)
        let document: [String: JSONValue] = stored.map { JSONValue($0).object } ?? [:]
        for (key, value) in document {
            settings.values[key] = value == .null ? nil : value
        }
        recentlyParsed.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[key] = settings
        }
        return settings
    }

    /// Settings already built from a stored document, by currency and document text. A store's settings are
    /// read on every sale (by the ledger, then by the customers' event consumer) and seldom change; the
    /// document itself is still read each time, so a change is seen at once.
    private static let recentlyParsed = Mutex<[String: ProgramSettings]>([:])

    func text(_ key: String) -> String? { values[key]?.text.flatMap { $0.isEmpty ? nil : $0 } }
    func flag(_ key: String) -> Bool { values[key]?.bool ?? false }
    func int(_ key: String) -> Int? { values[key]?.int }
    func strings(_ key: String) -> [String] { values[key]?.array?.compactMap(\.text) ?? [] }

    var currency: String { text("currency") ?? "eur" }
    var tierAssignType: TierAssignType { TierAssignType(rawValue: text("tierAssignType") ?? "") ?? .transactions }
    var levelDowngradeMode: LevelDowngradeMode {
        tierAssignType == .transactions ? .none : LevelDowngradeMode(rawValue: text("levelDowngradeMode") ?? "") ?? .none
    }
    var levelDowngradeBase: String { text("levelDowngradeBase") ?? "none" }
    var levelDowngradeDays: Int { int("levelDowngradeDays") ?? 365 }
    var excludeDeliveryCosts: Bool { flag("excludeDeliveryCostsFromTierAssignment") }
    var activationMethod: String { text("accountActivationMethod") ?? "email" }
    var allowCustomersProfileEdits: Bool { values["allowCustomersProfileEdits"]?.bool ?? true }
    var programName: String { text("programName") ?? "Loyalty Program" }
    /// The `timezone` setting when it names a known zone (older stored values were not checked), else UTC.
    var timeZone: String { text("timezone").flatMap { SettingKeys.knownTimeZones.contains($0) ? $0 : nil } ?? "UTC" }
}

/// What a customer's level is computed from.
enum TierAssignType: String, Sendable {
    case points
    case transactions
}

/// Whether and when levels go down in points mode.
enum LevelDowngradeMode: String, Sendable {
    case none
    case automatic
    case afterXDays = "after_x_days"
}

/// SQL over `customers.settings`.
struct SettingsRepository: Sendable {
    /// The store's settings over the defaults.
    func load(on database: some PostgresQueryable, storeID: UUID, currency: String) async throws -> ProgramSettings {
        let stored = try await database.query("SELECT \"values\" FROM customers.settings WHERE store_id = \(storeID)").firstRow
        return ProgramSettings.over(defaults: currency, stored: try stored?.decode(JSONB.self, "values"))
    }

    /// Replaces the stored settings with `settings`; keys without a value are saved as null, so that a
    /// cleared setting does not fall back to its default.
    func save(on database: some PostgresQueryable, storeID: UUID, _ settings: ProgramSettings) async throws {
        var document: [String: JSONValue] = [:]
        for key in SettingKeys.all { document[key.name] = settings.values[key.name] ?? .null }
        let json = try JSONB(encoding: document)
        try await database.execute("""
            INSERT INTO customers.settings (store_id, "values", updated_at) VALUES (\(storeID), \(json)::jsonb, now())
            ON CONFLICT (store_id) DO UPDATE SET "values" = excluded."values", updated_at = now()
            """)
    }
}
