import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The POS customer search (C34, decision customers A25): card number, phone and e-mail match exactly
/// (e-mail without regard to case); names, city and postcode match a case-insensitive prefix. At most 50
/// customers, no `total`. Without any criterion the answer is empty.
struct PosSearch: Sendable {
    static let limit = 50
    let condition: SQL?

    init(_ search: FormValue) {
        var parts: [SQL] = []
        if let card = search["loyaltyCardNumber"]?.trimmedText { parts.append("c.loyalty_card_number = \(card)") }
        if let phone = search["phone"]?.trimmedText { parts.append("c.phone = \(phone)") }
        if let email = search["email"]?.trimmedText { parts.append("lower(c.email) = lower(\(email))") }
        for (field, column) in [("firstName", "c.first_name"), ("lastName", "c.last_name"), ("city", "c.address->>'city'"), ("postcode", "c.address->>'postal'")] {
            guard let value = search[field]?.trimmedText else { continue }
            parts.append("lower(\(unsafeRaw: column)) LIKE \(CustomerFilters.likeEscaped(value.lowercased()) + "%")")
        }
        condition = parts.isEmpty ? nil : SQL.joined(parts, separator: " AND ")
    }

    func run(store: Store, on database: some PostgresQueryable) async throws -> [CustomerView] {
        guard let condition else { return [] }
        let customers = try await CustomerRepository().select(
            on: database, where: "c.store_id = \(store.id) AND c.status <> 'deleted' AND \(condition)",
            order: SQL(" ORDER BY c.created_at DESC, c.id LIMIT \(Self.limit)")
        )
        let program = try await SettingsRepository().load(on: database, storeID: store.id, currency: store.currency)
        let purchases = try await CampaignPurchaseRepository.purchases(on: database, storeID: store.id, customerIDs: customers.map(\.id))
        return customers.map { CustomerView($0, shape: .pos, currency: program.currency, campaignPurchases: purchases[$0.id] ?? []) }
    }
}
