import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The filters of the customer lists (C05, C06) as one SQL condition over `c` and `activity` (customers.md §2 C05).
///
/// Text filters match a substring, case-insensitively, unless `strict=1` asks for the exact value (e-mail
/// and names still without regard to case); range filters are inclusive; every label given must be on the
/// customer (with that value when one is given).
struct CustomerFilters: Sendable {
    let condition: SQL
    /// No filter was given: the list's total is the store's live customer count.
    let isEmpty: Bool

    /// Sort names → SQL (both spellings of the transaction count, decision customers A5).
    static let sortable = [
        "customerId": "c.id", "id": "c.id", "firstName": "lower(c.first_name)", "lastName": "lower(c.last_name)",
        "email": "lower(c.email)", "phone": "c.phone", "loyaltyCardNumber": "c.loyalty_card_number", "createdAt": "c.created_at",
        "updatedAt": "c.updated_at", "transactionsCount": "activity.transactions_count", "transactionCount": "activity.transactions_count",
        "transactionsAmount": "activity.transactions_amount", "transactionAmount": "activity.transactions_amount",
        "averageTransactionAmount": "activity.average_transaction_amount", "lastTransactionDate": "activity.last_transaction_date",
        "birthDate": "c.birth_date", "gender": "c.gender", "active": "c.status", "levelId": "c.level_id",
    ]

    /// A condition of the caller's own (the customers of a level, of a segment).
    init(condition: SQL) {
        self.condition = condition
        isEmpty = false
    }

    init(_ query: FormValue, labels allowLabels: Bool) throws {
        var parts: [SQL] = []
        let strict = query["strict"]?.bool ?? false
        for (name, column, caseless) in [
            ("firstName", "c.first_name", true), ("lastName", "c.last_name", true), ("email", "c.email", true),
            ("phone", "c.phone", false), ("loyaltyCardNumber", "c.loyalty_card_number", false),
        ] {
            guard let value = query[name]?.trimmedText else { continue }
            parts.append(Self.text(column, value, strict: strict, caseless: caseless))
        }
        for (name, column) in [("transactionsAmount", "activity.transactions_amount"), ("averageTransactionAmount", "activity.average_transaction_amount")] {
            if let from = try Self.number(query["\(name)From"], "\(name)From") { parts.append("\(unsafeRaw: column) >= \(from)") }
            if let to = try Self.number(query["\(name)To"], "\(name)To") { parts.append("\(unsafeRaw: column) <= \(to)") }
        }
        if let from = try Self.integer(query["transactionsCountFrom"], "transactionsCountFrom") { parts.append("activity.transactions_count >= \(from)") }
        if let to = try Self.integer(query["transactionsCountTo"], "transactionsCountTo") { parts.append("activity.transactions_count <= \(to)") }
        if let days = try Self.integer(query["daysFromLastTransactionTo"], "daysFromLastTransactionTo") {
            parts.append("activity.last_transaction_date >= now() - make_interval(days => \(days))")
        }
        if let hours = try Self.integer(query["hoursFromLastUpdateTo"], "hoursFromLastUpdateTo") {
            parts.append("c.updated_at >= now() - make_interval(hours => \(hours))")
        }
        if allowLabels, let labels = query["labels"] { parts += try Self.labels(labels) }
        condition = parts.isEmpty ? "true" : SQL.joined(parts, separator: " AND ")
        isEmpty = parts.isEmpty
    }

    private static func text(_ column: String, _ value: String, strict: Bool, caseless: Bool) -> SQL {
        switch (strict, caseless) {
        case (true, true): return "lower(\(unsafeRaw: column)) = lower(\(value))"
        case (true, false): return "\(unsafeRaw: column) = \(value)"
        // A substring match ignores case for every text filter (decision customers A3…A5), card numbers included.
        case (false, _): return "lower(\(unsafeRaw: column)) LIKE \("%" + likeEscaped(value.lowercased()) + "%")"
        }
    }

    /// Escapes `%`, `_` and `\` so that the value matches literally inside a LIKE pattern.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// `labels[0][key]=k&labels[0][value]=v`: each must be on the customer.
    private static func labels(_ value: FormValue) throws -> [SQL] {
        guard let items = value.list else { throw APIError.badRequest("labels must be a list of {key, value}") }
        return try items.compactMap { item in
            guard let key = item["key"]?.trimmedText else { return nil }
            let wanted: [[String: String]] = if let value = item["value"]?.string, !value.isEmpty {
                [["key": key, "value": value]]
            } else {
                [["key": key]]
            }
            return "c.labels @> \(try JSONB(encoding: wanted))::jsonb"
        }
    }

    private static func number(_ value: FormValue?, _ name: String) throws -> Amount? {
        guard let value, !value.isBlank else { return nil }
        guard let amount = FormCheck.roundedAmount(value) else { throw APIError.badRequest("\(name) must be a number") }
        return amount
    }

    private static func integer(_ value: FormValue?, _ name: String) throws -> Int? {
        guard let value, !value.isBlank else { return nil }
        guard let number = value.int, number >= 0 else { throw APIError.badRequest("\(name) must be a whole number") }
        return number
    }
}

extension CustomerRepository {
    /// A page of live customers matching the filters, and how many match in all.
    func list(
        on database: some PostgresQueryable, storeID: UUID, filters: CustomerFilters, page: Pagination
    ) async throws -> (customers: [CustomerRecord], total: Int) {
        let condition: SQL = "c.store_id = \(storeID) AND c.status <> 'deleted' AND \(filters.condition)"
        // Ties broken by the id of the table sorted on, so that its index gives the page in order.
        let tieBreaker = page.sortColumn.hasPrefix("activity.") ? "activity.customer_id" : "c.id"
        let customers = try await select(on: database, where: condition, order: page.orderAndLimit(tieBreaker: tieBreaker), joiningActivity: true)
        return (customers, try await total(on: database, storeID: storeID, filters: filters, condition: condition))
    }

    func list(
        on database: some PostgresQueryable, storeID: UUID, filters: SQL, page: Pagination
    ) async throws -> (customers: [CustomerRecord], total: Int) {
        try await list(on: database, storeID: storeID, filters: CustomerFilters(condition: filters), page: page)
    }

    /// How many customers match. Unfiltered, that is the store's live count kept by triggers (migration
    /// 0005), not a count over every customer of the store.
    private func total(on database: some PostgresQueryable, storeID: UUID, filters: CustomerFilters, condition: SQL) async throws -> Int {
        if filters.isEmpty {
            return try await database.query("""
                SELECT coalesce((SELECT live FROM customers.store_customer_counts WHERE store_id = \(storeID)), 0) AS live
                """).scalar(Int.self)
        }
        // The activity table is joined only when the condition reads it: counting needs no other column of it.
        let join = condition.text.contains("activity.") ? Self.activityJoin : ""
        return try await database.query("SELECT count(*) FROM customers.customers c \(unsafeRaw: join) WHERE \(condition)").scalar(Int.self)
    }

    /// The next `limit` live customers after `cursor` by id (the scroll API): no result window.
    func scroll(
        on database: some PostgresQueryable, storeID: UUID, filters: CustomerFilters, after cursor: UUID?, limit: Int
    ) async throws -> (customers: [CustomerRecord], total: Int) {
        let condition: SQL = "c.store_id = \(storeID) AND c.status <> 'deleted' AND \(filters.condition)"
        let page: SQL = if let cursor { "\(condition) AND c.id > \(cursor)" } else { condition }
        let customers = try await select(on: database, where: page, order: SQL(" ORDER BY c.id LIMIT \(limit)"), joiningActivity: true)
        return (customers, try await total(on: database, storeID: storeID, filters: filters, condition: condition))
    }
}
