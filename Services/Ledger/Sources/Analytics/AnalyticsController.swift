import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Points histogram (L-22) and the points and transaction analytics (EP-10, EP-12).
struct AnalyticsController {
    func add(to group: RouterGroup<StoreContext>) {
        group.get("points/transfers", use: histogram)
        group.get("admin/analytics/points", use: points)
        group.get("admin/analytics/transactions", use: transactions)
    }

    /// `interval` day (default) | month | year, `lastDays` (default 30), `futureDays` (default 0),
    /// `pointType` earned (default) | spent | expired | pending. Every bucket is present, zeros included;
    /// values are point sums (decision ledger A-18).
    @Sendable func histogram(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pointTransfer, .view)
        let query = try context.queryInput(of: request)
        let interval = query["interval"]?.trimmedText ?? "day"
        guard ["day", "month", "year"].contains(interval) else { throw APIError.badRequest("interval must be day, month or year") }
        let lastDays = try count(query["lastDays"], "lastDays", fallback: 30)
        let futureDays = try count(query["futureDays"], "futureDays", fallback: 0)
        let type = query["pointType"]?.trimmedText ?? "earned"
        let source: String
        switch type {
        case "earned": source = "SELECT created_at AS at, value AS points FROM ledger.transfers WHERE store_id = $1 AND type = 'adding' AND state <> 'canceled'"
        case "spent": source = "SELECT created_at AS at, value AS points FROM ledger.transfers WHERE store_id = $1 AND type IN ('spending', 'p2p_spending') AND state = 'active'"
        case "expired":
            source = """
                SELECT expired_at AS at, expired_amount AS points FROM ledger.transfers WHERE store_id = $1 AND state = 'expired'
                UNION ALL
                SELECT expires_at, remaining FROM ledger.transfers WHERE store_id = $1 AND state = 'active' AND remaining > 0 AND expires_at > now()
                """
        case "pending": source = "SELECT coalesce(locked_until, created_at) AS at, value AS points FROM ledger.transfers WHERE store_id = $1 AND state = 'pending'"
        default: throw APIError.badRequest("pointType must be earned, spent, expired or pending")
        }
        let format = interval == "day" ? "YYYY-MM-DD" : (interval == "month" ? "YYYY-MM" : "YYYY")
        let rows = try await context.runtime.pool.query(SQL("""
            WITH buckets AS (
                SELECT DISTINCT to_char(day, $2) AS bucket
                FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($3::int - 1), (now() AT TIME ZONE 'UTC')::date + $4::int, interval '1 day') day
            ), points AS (
                SELECT to_char(at AT TIME ZONE 'UTC', $2) AS bucket, sum(points) AS points FROM (\(source)) s GROUP BY 1
            )
            SELECT b.bucket, coalesce(p.points, 0) AS points FROM buckets b LEFT JOIN points p ON p.bucket = b.bucket ORDER BY b.bucket
            """, binds: [context.store.id.text, format, String(max(lastDays, 1)), String(futureDays)]))
        var histogram: [String: Amount] = [:]
        for row in rows { histogram[try row.decode(String.self, "bucket")] = try row.decode(Amount.self, "points") }
        return try Response.json(histogram)
    }

    private func count(_ value: FormValue?, _ name: String, fallback: Int) throws -> Int {
        guard let value, !value.isBlank else { return fallback }
        guard let number = value.int, number >= 0, number <= 3660 else { throw APIError.badRequest("\(name) must be a whole number of days") }
        return number
    }

    /// EP-10: `{"totalSpendingTransfers","totalPointsSpent"}`.
    @Sendable func points(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.analytics, .view)
        let row = try await context.runtime.pool.query("""
            SELECT count(*) AS count, coalesce(sum(value), 0) AS spent FROM ledger.transfers
            WHERE store_id = \(context.store.id) AND type IN ('spending', 'p2p_spending') AND state = 'active'
            """).firstRow
        struct View: Encodable {
            let totalSpendingTransfers: Int
            let totalPointsSpent: Amount
        }
        return try Response.json(View(totalSpendingTransfers: try row?.decode(Int.self, "count") ?? 0, totalPointsSpent: try row?.decode(Amount.self, "spent") ?? .zero))
    }

    /// EP-12: counts and amounts of sales (returns subtract their value); `excludeCustomersWithoutTransaction`
    /// counts only transactions assigned to a customer.
    @Sendable func transactions(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.analytics, .view)
        let query = try context.queryInput(of: request)
        let assignedOnly = query["excludeCustomersWithoutTransaction"]?.bool ?? false
        let row = try await context.runtime.pool.query("""
            SELECT count(*) FILTER (WHERE document_type = 'sell') AS total,
                   count(*) FILTER (WHERE document_type = 'sell' AND purchase_date > now() - interval '1 day') AS d1,
                   count(*) FILTER (WHERE document_type = 'sell' AND purchase_date > now() - interval '7 days') AS d7,
                   count(*) FILTER (WHERE document_type = 'sell' AND purchase_date > now() - interval '30 days') AS d30,
                   count(*) FILTER (WHERE document_type = 'sell' AND purchase_date > now() - interval '365 days') AS d365,
                   coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_value ELSE -gross_value END), 0) AS amount,
                   coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_without_delivery ELSE -gross_without_delivery END), 0) AS without
            FROM ledger.transactions WHERE store_id = \(context.store.id) AND (NOT \(assignedOnly) OR customer_id IS NOT NULL)
            """).firstRow.orThrow(APIError.notFound)
        struct View: Encodable {
            let total: Int
            let countIntervals: [String: Int]
            let amount: Amount
            let amountWithoutDeliveryCosts: Amount
            let currency: String
        }
        return try Response.json(View(
            total: try row["total"],
            countIntervals: ["in_1_days": try row["d1"], "in_7_days": try row["d7"], "in_30_days": try row["d30"], "in_365_days": try row["d365"]],
            amount: try row["amount"], amountWithoutDeliveryCosts: try row["without"], currency: context.store.currency
        ))
    }
}
