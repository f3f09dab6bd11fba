import Foundation
import Postgres
import ServiceKit

/// Segment membership as SQL over a customer `c` (extensions §2.3, §2.4): a customer is a member when every
/// part has a criterion it meets. Criteria other than `customer_list` only match active customers.
enum SegmentEvaluator {
    static func condition(_ parts: [SegmentPart]) -> SQL {
        guard !parts.isEmpty else { return "false" }
        return SQL.joined(parts.map { part in
            part.criteria.isEmpty ? "false" : "(" + SQL.joined(part.criteria.map(condition), separator: " OR ") + ")"
        }, separator: " AND ")
    }

    static func condition(_ criterion: SegmentCriterion) -> SQL {
        let f = criterion.fields
        let active: SQL = "c.status = 'active'"
        let transactions = "customers.customer_transactions t WHERE t.store_id = c.store_id AND t.customer_id = c.id"
        switch criterion.type {
        case "bought_in_pos":
            return "(\(active) AND EXISTS (SELECT 1 FROM \(unsafeRaw: transactions) AND t.pos_id::text = ANY (\(texts(f["posIds"]))::text[])))"
        case "transaction_count":
            return "(\(active) AND c.transactions_count BETWEEN \(f["min"]?.int ?? 0) AND \(f["max"]?.int ?? 0))"
        case "average_transaction_amount":
            return "(\(active) AND c.average_transaction_amount BETWEEN \(amount(f["fromAmount"])) AND \(amount(f["toAmount"])))"
        case "transaction_amount":
            return "(\(active) AND c.transactions_amount BETWEEN \(amount(f["fromAmount"])) AND \(amount(f["toAmount"])))"
        case "transaction_percent_in_pos":
            let percent = f["percent"].flatMap { $0.text }.flatMap(Double.init) ?? 1
            return """
                (\(active) AND (SELECT count(*) FILTER (WHERE t.pos_id::text = \(f["posId"]?.text ?? ""))::numeric / nullif(count(*), 0)
                                FROM \(unsafeRaw: transactions)) >= \(percent))
                """
        case "purchase_period":
            return """
                (\(active) AND EXISTS (SELECT 1 FROM \(unsafeRaw: transactions)
                                       AND t.purchase_date BETWEEN \(f["fromDate"]?.text ?? "")::timestamptz AND \(f["toDate"]?.text ?? "")::timestamptz))
                """
        case "last_purchase_n_days_before":
            return """
                (\(active) AND EXISTS (SELECT 1 FROM \(unsafeRaw: transactions)
                                       AND t.purchase_date >= date_trunc('day', now()) - make_interval(days => \(f["days"]?.int ?? 0))))
                """
        case "anniversary":
            return anniversary(registration: f["anniversaryType"]?.text == "registration", days: f["days"]?.int ?? 1, active: active)
        case "bought_skus":
            return itemCondition("lower(i->>'sku') = ANY (\(lowered(f["skuIds"]))::text[])", active: active, transactions: transactions)
        case "bought_makers":
            return itemCondition("lower(i->>'maker') = ANY (\(lowered(f["makers"]))::text[])", active: active, transactions: transactions)
        case "bought_labels":
            return itemCondition("""
                EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(i->'labels', '[]'::jsonb)) l
                        WHERE lower(l->>'key') || chr(31) || lower(l->>'value') = ANY (\(pairs(f["labels"], lowercased: true))::text[]))
                """, active: active, transactions: transactions)
        case "customer_has_labels":
            let keys = (f["labels"]?.array ?? []).compactMap { $0.object["key"]?.text }
            return "(\(active) AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.labels) l WHERE l->>'key' = ANY (\(keys)::text[])))"
        case "customer_with_labels_values":
            return """
                (\(active) AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.labels) l
                                       WHERE l->>'key' || chr(31) || coalesce(l->>'value', '') = ANY (\(pairs(f["labels"], lowercased: false))::text[])))
                """
        case "customer_list":
            return "c.id::text = ANY (\(texts(f["customers"]))::text[])"
        default:
            return "false"
        }
    }

    /// The birthday (day and month, also known without a year from the storefront, S11) or the registration
    /// date falls on one of the `days` days from today. A 29 February anniversary falls on 1 March in other
    /// years, as upstream's shift by whole years does.
    private static func anniversary(registration: Bool, days: Int, active: SQL) -> SQL {
        let monthDay = registration
            ? "to_char(c.created_at::date, 'MM-DD')"
            : "lpad(c.birthday_month::text, 2, '0') || '-' || lpad(c.birthday_day::text, 2, '0')"
        return """
            (\(active) AND EXISTS (
                SELECT 1 FROM generate_series(0, \(max(0, days - 1))::int) AS d, LATERAL (SELECT current_date + d AS day) AS candidate
                WHERE to_char(candidate.day, 'MM-DD') = \(unsafeRaw: monthDay)
                   OR (\(unsafeRaw: monthDay) = '02-29' AND to_char(candidate.day, 'MM-DD') = '03-01'
                       AND extract(day FROM date_trunc('year', candidate.day) + interval '2 months' - interval '1 day') = 28)))
            """
    }

    private static func itemCondition(_ item: SQL, active: SQL, transactions: String) -> SQL {
        "(\(active) AND EXISTS (SELECT 1 FROM \(unsafeRaw: transactions) AND EXISTS (SELECT 1 FROM jsonb_array_elements(t.items) i WHERE \(item))))"
    }

    private static func texts(_ value: JSONValue?) -> [String] {
        (value?.array ?? []).compactMap(\.text).map { $0.lowercased() }
    }

    private static func lowered(_ value: JSONValue?) -> [String] {
        (value?.array ?? []).compactMap(\.text).map { $0.lowercased() }
    }

    private static func pairs(_ value: JSONValue?, lowercased: Bool) -> [String] {
        (value?.array ?? []).compactMap { label -> String? in
            guard let key = label.object["key"]?.text else { return nil }
            let pair = key + "\u{1F}" + (label.object["value"]?.text ?? "")
            return lowercased ? pair.lowercased() : pair
        }
    }

    private static func amount(_ value: JSONValue?) -> Amount {
        value?.text.flatMap { Amount(rounding: $0) } ?? .zero
    }
}

/// Recomputes memberships: one segment for every customer (create, update, activate), or every active
/// segment for one customer (its events). Each difference appends `CustomerAddedToSegment` or
/// `CustomerRemovedFromSegment` in the same transaction.
struct SegmentMembership: Sendable {
    let segments = SegmentRepository()

    /// Replaces the members of `segment` (none when inactive); returns how many it has.
    @discardableResult
    func recalculate(_ segment: SegmentRecord, change: Change, on tx: some PostgresQueryable) async throws -> Int {
        let condition: SQL = segment.active ? SegmentEvaluator.condition(segment.parts) : "false"
        return try await apply(segment, condition: condition, scope: "true", change: change, on: tx)
    }

    /// Re-evaluates every active segment of the store for one customer.
    func recalculate(customer: UUID, storeID: UUID, change: Change, on tx: some PostgresQueryable) async throws {
        for segment in try await segments.active(on: tx, storeID: storeID) {
            try await apply(segment, condition: SegmentEvaluator.condition(segment.parts), scope: "c.id = \(customer)", change: change, on: tx)
        }
    }

    @discardableResult
    private func apply(_ segment: SegmentRecord, condition: SQL, scope: SQL, change: Change, on tx: some PostgresQueryable) async throws -> Int {
        let rows = try await tx.query("""
            WITH wanted AS (
                SELECT c.id FROM customers.customers c
                WHERE c.store_id = \(segment.storeID) AND c.status <> 'deleted' AND \(scope) AND \(condition)
            ), removed AS (
                DELETE FROM customers.segment_members m
                WHERE m.store_id = \(segment.storeID) AND m.segment_id = \(segment.id)
                  AND m.customer_id IN (SELECT c.id FROM customers.customers c WHERE c.store_id = \(segment.storeID) AND \(scope))
                  AND m.customer_id NOT IN (SELECT id FROM wanted)
                RETURNING m.customer_id
            ), added AS (
                INSERT INTO customers.segment_members (store_id, segment_id, customer_id)
                SELECT \(segment.storeID), \(segment.id), id FROM wanted
                ON CONFLICT DO NOTHING
                RETURNING customer_id
            )
            SELECT 'added' AS kind, customer_id FROM added UNION ALL SELECT 'removed' AS kind, customer_id FROM removed
            """)
        for row in rows {
            let customer = try row.decode(UUID.self, "customer_id")
            let added = try row.decode(String.self, "kind") == "added"
            try await change.record(
                on: tx, store: segment.storeID, event: added ? CustomerEvent.addedToSegment : CustomerEvent.removedFromSegment,
                entity: "customer", id: customer, payload: SegmentMembershipChanged(customerId: customer.text, segmentId: segment.id.text, segmentName: segment.name)
            )
        }
        return try await tx.query("""
            UPDATE customers.segments SET customers_count = (SELECT count(*) FROM customers.segment_members m
                                                             WHERE m.store_id = \(segment.storeID) AND m.segment_id = \(segment.id))
            WHERE store_id = \(segment.storeID) AND id = \(segment.id) RETURNING customers_count
            """).firstRow?.decode(Int.self, "customers_count") ?? 0
    }
}

struct SegmentMembershipChanged: Encodable {
    let customerId: String
    let segmentId: String
    let segmentName: String
}
