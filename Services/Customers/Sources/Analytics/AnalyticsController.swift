import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// Customer, referral and level analytics (platform EP-09, EP-11, EP-13): admins with the `ANALYTICS` resource.
struct AnalyticsController {
    struct Intervals: Encodable {
        let in_1_days: Int
        let in_7_days: Int
        let in_30_days: Int
        let in_365_days: Int
    }

    struct Customers: Encodable {
        let total: Int
        let intervals: Intervals
    }

    struct Referrals: Encodable {
        let total: Int
        let totalCompleted: Int
        let totalRegistered: Int
    }

    struct Level: Encodable {
        let levelId: String
        let name: String
        let conditionValue: String
        let store: String
        let customers: Int
    }

    struct Levels: Encodable {
        let total: Int
        let levels: [Level]
    }

    let invitations = InvitationRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("admin/analytics/customers", use: customers)
        routes.get("admin/analytics/referrals", use: referrals)
        routes.get("admin/analytics/levels", use: levels)
        return routes
    }

    /// EP-09: live customers of the store, and those registered in the last 1, 7, 30, 365 days.
    @Sendable func customers(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.analytics, .view)
        let row = try await context.runtime.pool.query("""
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE created_at >= now() - interval '1 day') AS d1,
                   count(*) FILTER (WHERE created_at >= now() - interval '7 days') AS d7,
                   count(*) FILTER (WHERE created_at >= now() - interval '30 days') AS d30,
                   count(*) FILTER (WHERE created_at >= now() - interval '365 days') AS d365
            FROM customers.customers WHERE store_id = \(context.store.id) AND status <> 'deleted'
            """).firstRow.orThrow(APIError.notFound)
        return try Response.json(Customers(
            total: try row.decode(Int.self, "total"),
            intervals: Intervals(
                in_1_days: try row.decode(Int.self, "d1"), in_7_days: try row.decode(Int.self, "d7"),
                in_30_days: try row.decode(Int.self, "d30"), in_365_days: try row.decode(Int.self, "d365")
            )
        ))
    }

    /// EP-11: invitations in all, those that led to a purchase, and those whose recipient registered (purchase included).
    @Sendable func referrals(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.analytics, .view)
        let counts = try await invitations.counts(on: context.runtime.pool, storeID: context.store.id)
        return try Response.json(Referrals(total: counts.total, totalCompleted: counts.completed, totalRegistered: counts.registered))
    }

    /// EP-13: every level with its live customers; `conditionValue` as a two-decimal string, `store` the store code.
    @Sendable func levels(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.analytics, .view)
        let rows = try await context.runtime.pool.query("""
            SELECT l.id, l.name, l.condition_value,
                   (SELECT count(*) FROM customers.customers c
                    WHERE c.store_id = l.store_id AND c.level_id = l.id AND c.status <> 'deleted') AS customers
            FROM customers.levels l WHERE l.store_id = \(context.store.id) ORDER BY l.condition_value, l.id
            """)
        let levels = try rows.map { row in
            Level(
                levelId: try row.decode(UUID.self, "id").text, name: try row.decode(String.self, "name"),
                conditionValue: try row.decode(Amount.self, "condition_value").twoDecimals, store: context.store.code,
                customers: try row.decode(Int.self, "customers")
            )
        }
        return try Response.json(Levels(total: levels.count, levels: levels))
    }
}
