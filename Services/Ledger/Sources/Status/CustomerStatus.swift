import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// The points and transaction summary of one customer (C03, C25, C26; customers §1.11).
struct CustomerStatusView: Encodable, Sendable {
    let firstName: String?
    let lastName: String?
    let customerId: String
    let points: Amount
    let p2pPoints: Amount
    let totalEarnedPoints: Amount
    let usedPoints: Amount
    let expiredPoints: Amount
    let lockedPoints: Amount
    let blockedPoints: Amount
    let transactionsCount: Int
    let transactionsAmount: Amount
    let transactionsAmountWithoutDeliveryCosts: Amount
    let averageTransactionsAmount: String
    let currency: String
    let pointsExpiringNextMonth: Amount
    let pointsExpiringBreakdown: [String: Amount]
    var level: String?
    var levelName: String?
    var levelConditionValue: Amount?
    var nextLevel: String?
    var nextLevelName: String?
    var nextLevelConditionValue: Amount?
    var transactionsAmountToNextLevel: Amount?
    var transactionsAmountToNextLevelWithoutDeliveryCosts: Amount?
    var pointsToNextLevel: Amount?

    static func load(on db: some PostgresQueryable, store: Store, customer: LedgerCustomer) async throws -> CustomerStatusView {
        let customerID = customer.id
        let row = try await db.query("""
            SELECT coalesce(a.available, 0) AS available, coalesce(a.p2p_received, 0) AS p2p, coalesce(a.earned, 0) AS earned,
                   coalesce(a.spent, 0) AS spent, coalesce(a.expired, 0) AS expired, coalesce(a.locked, 0) AS locked,
                   coalesce(a.blocked, 0) AS blocked,
                   coalesce(ct.transactions_count, 0) AS count, coalesce(ct.transactions_amount, 0) AS amount
            FROM (SELECT 1) one
            LEFT JOIN ledger.accounts a ON a.store_id = \(store.id) AND a.customer_id = \(customerID)
            LEFT JOIN ledger.customer_totals ct ON ct.store_id = \(store.id) AND ct.customer_id = \(customerID)
            """).firstRow.orThrow(APIError.notFound)
        let breakdown = try await db.query("""
            SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(remaining) AS points
            FROM ledger.transfers
            WHERE store_id = \(store.id) AND customer_id = \(customerID) AND state = 'active' AND remaining > 0
              AND expires_at >= now() AND expires_at < now() + interval '1 month'
            GROUP BY 1 ORDER BY 1
            """)
        var days: [String: Amount] = [:]
        for entry in breakdown { days[try entry.decode(String.self, "day")] = try entry.decode(Amount.self, "points") }
        let count: Int = try row["count"]
        let amount: Amount = try row["amount"]
        let average = count == 0 ? Amount.zero : amount.multiplied(by: 1, dividedBy: Int64(count))
        let settings = try await LedgerFacing.settings(on: db, storeID: store.id, currency: store.currency)
        var view = CustomerStatusView(
            firstName: customer.firstName, lastName: customer.lastName, customerId: customerID.text, points: try row["available"], p2pPoints: try row["p2p"], totalEarnedPoints: try row["earned"],
            usedPoints: try row["spent"], expiredPoints: try row["expired"], lockedPoints: try row["locked"],
            blockedPoints: try row["blocked"], transactionsCount: count, transactionsAmount: amount,
            transactionsAmountWithoutDeliveryCosts: amount, averageTransactionsAmount: average.twoDecimals,
            currency: settings.currency,
            pointsExpiringNextMonth: days.values.reduce(.zero, +), pointsExpiringBreakdown: days
        )
        try await view.addLevels(on: db, storeID: store.id, levelID: customer.levelID, byPoints: settings.tierAssignType == "points")
        return view
    }

    /// Current level and the progress to the next one (by transactions amount or by points).
    private mutating func addLevels(on db: some PostgresQueryable, storeID: UUID, levelID: UUID?, byPoints: Bool) async throws {
        let levels = try await CustomersLibrary.levels(on: db, storeID: storeID).filter(\.active)
        let current = levels.first { $0.id == levelID }
        if let current {
            level = current.rewardPercent.twoDecimals + "%"
            levelName = current.name
            levelConditionValue = current.conditionValue
        }
        let floor = current?.conditionValue
        guard let next = levels.first(where: { floor == nil || $0.conditionValue > floor! }), next.id != current?.id else { return }
        nextLevel = next.rewardPercent.twoDecimals + "%"
        nextLevelName = next.name
        nextLevelConditionValue = next.conditionValue
        if byPoints {
            pointsToNextLevel = max(.zero, next.conditionValue - points)
        } else {
            transactionsAmountToNextLevel = max(.zero, next.conditionValue - transactionsAmount)
            transactionsAmountToNextLevelWithoutDeliveryCosts = transactionsAmountToNextLevel
        }
    }
}

/// C03 (admin), C25 (the customer themself), C26 (seller).
struct CustomerStatusController {
    func add(to group: RouterGroup<StoreContext>) {
        group.get("admin/customer/{customer}/status", use: admin)
        group.get("customer/customer/{customer}/status", use: customer)
        group.get("seller/customer/{customer}/status", use: seller)
    }

    @Sendable func admin(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.customer, .view)
        return try await status(context)
    }

    @Sendable func customer(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        guard identity.userID == (try context.uuidParameter("customer")) else { throw APIError.forbidden() }
        return try await status(context)
    }

    @Sendable func seller(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try await status(context)
    }

    private func status(_ context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        let pool = context.runtime.pool
        let customer = try await CustomerDirectory.find(on: pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        return try Response.json(try await CustomerStatusView.load(on: pool, store: context.store, customer: customer))
    }
}
