import Foundation
import Postgres
import ServiceKit

/// The program settings the ledger works with (extensions §5.2, §7), read inside the ledger's transaction.
public struct LedgerSettings: Sendable, Hashable {
    /// `all_time_active`, `after_x_days`, `at_the_end_of_the_month` or `at_the_end_of_the_year`.
    public let expiryMethod: String
    /// Validity in days for `after_x_days`.
    public let activeDays: Int
    /// Days new points stay pending; nil when new points are spendable at once (`allTimeNotLocked`).
    public let lockedDays: Int?
    /// Whether `documentType=return` transactions are accepted.
    public let returnsEnabled: Bool
    /// Customer statuses (`new`, `active`, `blocked`) that earn points.
    public let earningStatuses: Set<String>
    /// SKUs that are delivery costs.
    public let deliverySKUs: Set<String>
    /// Lower-case program currency, e.g. `eur`.
    public let currency: String
    /// `points` or `transactions`: what levels are computed from.
    public let tierAssignType: String
    /// Identification fields in priority order (`email`, `loyaltyCardNumber`, `phone`).
    public let identificationOrder: [String]
}

/// Look-ups the ledger needs beyond `CustomersLibrary`.
public enum LedgerFacing {
    /// The store's settings over the defaults.
    public static func settings(on database: some PostgresQueryable, storeID: UUID, currency: String) async throws -> LedgerSettings {
        let settings = try await SettingsRepository().load(on: database, storeID: storeID, currency: currency)
        let method = settings.text("pointsDaysExpiryAfter") ?? "after_x_days"
        let locked = settings.values["allTimeNotLocked"]?.bool ?? true
        var order: [(Int, String)] = []
        for entry in settings.values["customersIdentificationPriority"]?.array ?? [] {
            if let field = entry.object["field"]?.text, let priority = entry.object["priority"]?.int { order.append((priority, field)) }
        }
        let fields = order.isEmpty ? ["email", "loyaltyCardNumber", "phone"] : order.sorted { $0.0 < $1.0 }.map(\.1)
        return LedgerSettings(
            expiryMethod: method, activeDays: max(1, settings.int("pointsDaysActiveCount") ?? 90),
            lockedDays: locked ? nil : settings.int("pointsDaysLocked").flatMap { $0 > 0 ? $0 : nil },
            returnsEnabled: settings.values["returns"]?.bool ?? true,
            earningStatuses: Set(settings.strings("customerStatusesEarning")),
            deliverySKUs: Set(settings.strings("excludedDeliverySKUs")), currency: settings.currency,
            tierAssignType: settings.tierAssignType.rawValue, identificationOrder: fields
        )
    }
}
