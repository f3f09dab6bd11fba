import Foundation
import Postgres
import ServiceKit

/// The program settings other services act on (extensions §5.2), read inside their own transaction.
public struct ProgramSettingsSummary: Sendable, Hashable {
    /// The program currency, lower case (`eur`).
    public let currency: String
    public let programName: String
    /// Whether return transactions are accepted.
    public let returns: Bool
    /// `all_time_active`, `after_x_days`, `at_the_end_of_the_month` or `at_the_end_of_the_year`.
    public let pointsExpiryMethod: String
    /// Validity in days for `after_x_days`.
    public let pointsDaysActiveCount: Int?
    /// False when new points are locked for `pointsDaysLocked` days.
    public let allTimeNotLocked: Bool
    public let pointsDaysLocked: Int?
    /// `points` or `transactions`.
    public let tierAssignType: String
    public let excludeDeliveryCostsFromTierAssignment: Bool
    public let excludedDeliverySKUs: [String]
    public let excludedLevelSKUs: [String]
    public let excludedLevelCategories: [String]
    /// Customer status types that earn and spend points (`new`, `active`, `blocked`, `deleted`).
    public let customerStatusesEarning: [String]
    public let customerStatusesSpending: [String]
    /// Identifier fields to match a transaction's customer by, highest priority first (`phone`, `loyaltyCardNumber`, `email`).
    public let customersIdentificationPriority: [String]
    public let webhooks: Bool
    public let uriWebhooks: String?
    public let webhookHeaderName: String?
    public let webhookHeaderValue: String?

    init(_ program: ProgramSettings) {
        currency = program.currency
        programName = program.programName
        returns = program.values["returns"]?.bool ?? true
        pointsExpiryMethod = program.text("pointsDaysExpiryAfter") ?? "after_x_days"
        pointsDaysActiveCount = program.int("pointsDaysActiveCount")
        allTimeNotLocked = program.values["allTimeNotLocked"]?.bool ?? true
        pointsDaysLocked = program.int("pointsDaysLocked")
        tierAssignType = program.tierAssignType.rawValue
        excludeDeliveryCostsFromTierAssignment = program.excludeDeliveryCosts
        excludedDeliverySKUs = program.strings("excludedDeliverySKUs")
        excludedLevelSKUs = program.strings("excludedLevelSKUs")
        excludedLevelCategories = program.strings("excludedLevelCategories")
        customerStatusesEarning = program.strings("customerStatusesEarning")
        customerStatusesSpending = program.strings("customerStatusesSpending")
        customersIdentificationPriority = (program.values["customersIdentificationPriority"]?.array ?? [])
            .compactMap { item -> (Int, String)? in
                guard let priority = item.object["priority"]?.int, let field = item.object["field"]?.text else { return nil }
                return (priority, field)
            }
            .sorted { $0.0 < $1.0 }
            .map(\.1)
        webhooks = program.flag("webhooks")
        uriWebhooks = program.text("uriWebhooks")
        webhookHeaderName = program.text("webhookHeaderName")
        webhookHeaderValue = program.text("webhookHeaderValue")
    }
}

extension CustomersLibrary {
    /// The store's program settings over the documented defaults; `currency` is the store's (the default of `currency`).
    public static func programSettings(on database: some PostgresQueryable, storeID: UUID, storeCurrency: String) async throws -> ProgramSettingsSummary {
        ProgramSettingsSummary(try await SettingsRepository().load(on: database, storeID: storeID, currency: storeCurrency))
    }

    /// The live customer a transaction names, matched by the store's `customersIdentificationPriority`
    /// (priority 1 first: e-mail, then loyalty card number, then phone by default).
    public static func customer(
        on database: some PostgresQueryable, storeID: UUID, storeCurrency: String, email: String?, phone: String?, loyaltyCardNumber: String?
    ) async throws -> CustomerSummary? {
        let program = try await programSettings(on: database, storeID: storeID, storeCurrency: storeCurrency)
        for field in program.customersIdentificationPriority {
            switch field {
            case "email": if let email, let found = try await customer(on: database, storeID: storeID, email: email) { return found }
            case "phone": if let phone, let found = try await customer(on: database, storeID: storeID, phone: phone) { return found }
            case "loyaltyCardNumber":
                if let loyaltyCardNumber, let found = try await customer(on: database, storeID: storeID, loyaltyCardNumber: loyaltyCardNumber) {
                    return found
                }
            default: continue
            }
        }
        return nil
    }
}
