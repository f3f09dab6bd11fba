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
    /// The store's time zone (IANA name): days, months and years of expiry dates and usage windows are its.
    public let timeZone: String
}

/// Look-ups the ledger needs beyond `CustomersLibrary`.
public enum LedgerFacing {
    /// The store's settings over the defaults.
    public static func settings(on database: some PostgresQueryable, storeID: UUID, currency: String) async throws -> LedgerSettings {
        ledgerSettings(try await SettingsRepository().load(on: database, storeID: storeID, currency: currency))
    }

    /// The store's settings and the live customer that transaction data names, in one round trip (the hot path of
    /// transaction registration): of the customers found by `email` (any case), `loyaltyCardNumber` and `phone`,
    /// the one of the first field in the settings' identification order.
    public static func settingsAndCustomer(
        on database: some PostgresQueryable, storeID: UUID, currency: String, email: String?, loyaltyCardNumber: String?, phone: String?
    ) async throws -> (settings: LedgerSettings, customer: CustomerSummary?) {
        func given(_ text: String?) -> String? {
            text.map { $0.trimmedWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func matching(_ field: String, _ condition: String) -> String {
            """
            (SELECT '\(field)' AS matched_by, \(CustomerSummary.columns) FROM customers.customers c
             WHERE c.store_id = $1 AND c.status <> 'deleted' AND \(condition) ORDER BY c.created_at LIMIT 1)
            """
        }
        let candidates = [
            matching("email", "lower(c.email) = lower($2)"), matching("loyaltyCardNumber", "c.loyalty_card_number = $3"),
            matching("phone", "c.phone = $4"),
        ].joined(separator: " UNION ALL ")
        let rows = try await database.query(SQL(
            """
                SELECT s."values" AS settings_document, m.* FROM (SELECT 1) AS one
                LEFT JOIN customers.settings s ON s.store_id = $1
                LEFT JOIN LATERAL (\(candidates)) AS m ON true
                """,
            binds: [storeID.uuidString, given(email), given(loyaltyCardNumber), given(phone)]
        ))
        let stored = try rows.firstRow?.decode(JSONB?.self, "settings_document")
        let settings = ledgerSettings(ProgramSettings.over(defaults: currency, stored: stored))
        var found: [String: CustomerSummary] = [:]
        for row in rows {
            if let field = try row.decode(String?.self, "matched_by") { found[field] = try CustomerSummary(row: row) }
        }
        return (settings, settings.identificationOrder.lazy.compactMap { found[$0] }.first)
    }

    private static func ledgerSettings(_ settings: ProgramSettings) -> LedgerSettings {
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
            tierAssignType: settings.tierAssignType.rawValue, identificationOrder: fields, timeZone: settings.timeZone
        )
    }
}

/// A customer's enrolment in the loyalty program (Okendo storefront, S7/S8).
public struct LoyaltyEnrolment: Sendable, Hashable {
    public let enrolledAt: Date?
    public let channel: String?
    public let birthDate: LocalDate?
    public let fullName: String?
    public let email: String?
}

extension LedgerFacing {
    /// The enrolment of a live customer, nil when unknown.
    public static func enrolment(on database: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> LoyaltyEnrolment? {
        guard let row = try await database.query("""
            SELECT enrolled_at, enrollment_channel, birth_date, nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '') AS full_name,
                   email
            FROM customers.customers WHERE store_id = \(storeID) AND id = \(customerID) AND status <> 'deleted'
            """).firstRow else { return nil }
        return LoyaltyEnrolment(
            enrolledAt: try row.decode(Date?.self, "enrolled_at"), channel: try row.decode(String?.self, "enrollment_channel"),
            birthDate: try row.decode(LocalDate?.self, "birth_date"), fullName: try row.decode(String?.self, "full_name"),
            email: try row.decode(String?.self, "email")
        )
    }

    /// Enrols a customer (S8) in the caller's transaction: sets the enrolment date, channel and accepted legal
    /// policies version once, and appends `CustomerWasEnrolled`. Returns the enrolment date (the first one
    /// when the customer was enrolled already) and whether this call enrolled them.
    public static func enrol(
        on database: some PostgresQueryable, storeID: UUID, customerID: UUID, channel: String, legalPoliciesVersion: String?, actor: Actor?
    ) async throws -> (enrolledAt: Date, enrolledNow: Bool)? {
        let updated = try await database.query("""
            UPDATE customers.customers SET enrolled_at = now(), enrollment_channel = \(channel),
                legal_policies_version = \(legalPoliciesVersion), updated_at = now(), version = version + 1
            WHERE store_id = \(storeID) AND id = \(customerID) AND status <> 'deleted' AND enrolled_at IS NULL
            RETURNING enrolled_at
            """).firstRow
        if let updated {
            try await EventLog.append(try NewEvent(
                storeID: storeID, aggregateType: "customer", aggregateID: customerID.uuidString.lowercased(), type: "CustomerWasEnrolled",
                payload: ["customerId": customerID.uuidString.lowercased(), "enrollmentChannel": channel], actor: actor
            ), on: database)
            return (try updated.decode(Date.self, "enrolled_at"), true)
        }
        return try await enrolment(on: database, storeID: storeID, customerID: customerID)?.enrolledAt.map { ($0, false) }
    }
}

/// The invitation a customer registered through (referrals).
public struct LedgerInvitation: Sendable, Hashable {
    public let id: UUID
    public let referrerID: UUID
}

extension LedgerFacing {
    /// The invitation whose recipient the customer is, nil when nobody invited them.
    public static func invitation(on database: some PostgresQueryable, storeID: UUID, recipientID: UUID) async throws -> LedgerInvitation? {
        try await database.query("""
            SELECT id, referrer_id FROM customers.invitations WHERE store_id = \(storeID) AND recipient_id = \(recipientID)
            ORDER BY created_at LIMIT 1
            """).firstRow.map { LedgerInvitation(id: try $0.decode(UUID.self, "id"), referrerID: try $0.decode(UUID.self, "referrer_id")) }
    }
}
