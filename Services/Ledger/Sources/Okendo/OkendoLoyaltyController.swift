import Customers
import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// Okendo-style loyalty endpoints of the ledger: Merchant API M3, M4, M5, M8 (HTTP Basic), storefront S1
/// (anonymous) and S7, S8, S9, S10, S14, S15 (storefront JWT). Decision ledger okendo.
struct OkendoLoyaltyController {
    struct PointsView: Encodable {
        let balance: Amount
        var dateUpdated: String?
        var pending: Amount?
        var spent: Amount?
    }

    func addMerchant(to group: RouterGroup<StoreContext>) {
        group.get("loyalty/customers", use: merchantCustomer)
        group.get("loyalty/earning_rules", use: merchantRules)
        group.post("loyalty/earning_transactions", use: earn)
        group.post("loyalty/adjustment_transactions", use: adjust)
    }

    func addSubscriber(to group: RouterGroup<StoreContext>) {
        group.get("loyalty/earning_rules", use: publicRules)
    }

    func addStorefront(to group: RouterGroup<StoreContext>) {
        group.get("customer_details", use: details)
        group.post("customer_activation", use: activate)
        group.get("earning_rules", use: customerRules)
        group.post("earning_rules/{earningRuleId}/trigger", use: trigger)
        group.get("transactions", use: transactions)
        group.get("customer_spend", use: spend)
    }

    // MARK: Merchant

    /// M3: `{"loyaltyCustomer":{"loyaltyCustomerId","minimumVipTierName","points":{"balance"},"status","vipTierName"}}`.
    @Sendable func merchantCustomer(_ request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let pool = context.runtime.pool
        let customer = try await OkendoLoyalty.customer(
            on: pool, storeID: context.store.id, id: query["loyaltyCustomerId"]?.trimmedText, email: query["email"]?.trimmedText
        )
        let summary = try await CustomersLibrary.customer(on: pool, storeID: context.store.id, id: customer.id)
        let enrolment = try await LedgerFacing.enrolment(on: pool, storeID: context.store.id, customerID: customer.id)
        let balances = try await OkendoLoyalty.balances(on: pool, storeID: context.store.id, customerID: customer.id)
        var tierName: String?, minimumName: String?
        if let level = summary?.levelID { tierName = try await CustomersLibrary.level(on: pool, storeID: context.store.id, id: level)?.name }
        if let level = summary?.manualLevelID { minimumName = try await CustomersLibrary.level(on: pool, storeID: context.store.id, id: level)?.name }
        struct Body: Encodable {
            struct Customer: Encodable {
                let loyaltyCustomerId: String
                let minimumVipTierName: String?
                let points: PointsView
                let status: String
                let vipTierName: String?
            }
            let loyaltyCustomer: Customer
        }
        return try Response.json(Body(loyaltyCustomer: .init(
            loyaltyCustomerId: customer.id.text, minimumVipTierName: minimumName, points: PointsView(balance: balances.available),
            status: OkendoLoyalty.status(customer, enrolment: enrolment), vipTierName: tierName
        )))
    }

    /// M4: `{"rules":[{"type","amount",…}]}`, tailored to a customer when one is named.
    @Sendable func merchantRules(_ request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let pool = context.runtime.pool
        var customer: LedgerCustomer?
        if query["loyaltyCustomerId"] != nil || query["email"] != nil {
            customer = try await OkendoLoyalty.customer(on: pool, storeID: context.store.id, id: query["loyaltyCustomerId"]?.trimmedText, email: query["email"]?.trimmedText)
        }
        let currency = try await LedgerFacing.settings(on: pool, storeID: context.store.id, currency: context.store.currency).currency
        let rules = try await OkendoLoyalty.rules(on: pool, store: context.store, customer: customer)
        struct Body: Encodable { let rules: [OkendoLoyalty.RuleView] }
        return try Response.json(Body(rules: rules.map { OkendoLoyalty.RuleView($0, currency: currency) }))
    }

    /// M5: triggers the custom earning rule whose event name is `actionId`:
    /// `{"pointsEarned","loyaltyCustomer":{"loyaltyCustomerId","points":{"balance"}}}`.
    @Sendable func earn(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        guard let action = input["actionId"]?.trimmedText else { throw APIError.badRequest("actionId is required") }
        var value: Amount?
        if let raw = input["value"], !raw.isBlank {
            guard let amount = raw.amount, amount.isPositive else { throw APIError.badRequest("value must be a positive number") }
            value = amount
        }
        let store = context.store
        let actor = Actor(context.identity, ip: context.clientAddress)
        do {
            let (customer, points) = try await context.runtime.pool.transaction { tx in
                let customer = try await OkendoLoyalty.customer(on: tx, storeID: store.id, identifier: input["customerIdentifier"])
                return (customer, try await EventAwards.customEvent(on: tx, store: store, customer: customer, eventName: action, value: value, actor: actor))
            }
            let balance = try await OkendoLoyalty.balances(on: context.runtime.pool, storeID: store.id, customerID: customer.id).available
            struct Body: Encodable {
                struct Customer: Encodable {
                    let loyaltyCustomerId: String
                    let points: PointsView
                }
                let pointsEarned: Amount
                let loyaltyCustomer: Customer
            }
            return try Response.json(Body(pointsEarned: points, loyaltyCustomer: .init(loyaltyCustomerId: customer.id.text, points: PointsView(balance: balance))))
        } catch let refusal as AwardRefusal {
            switch refusal {
            case .noRule: throw APIError.http(.notFound, "Earning rule not found for this action")
            case .limitExceeded: throw APIError.http(.unprocessableContent, "Limit exceeded")
            case .valueRequired: throw APIError.http(.unprocessableContent, "value is required for a points per value rule")
            }
        }
    }

    /// M8: a positive `amount` adds points, a negative one removes them (422 when not enough):
    /// `{"loyaltyCustomer":{"points":{"balance"}}}`.
    @Sendable func adjust(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        guard let amount = input["amount"]?.amount, !amount.isZero else { throw APIError.badRequest("amount must be a non-zero number of points") }
        let comment = input["notificationText"]?.trimmedText ?? input["internalReason"]?.trimmedText
        let store = context.store
        let actor = Actor(context.identity, ip: context.clientAddress)
        do {
            let balance = try await context.runtime.pool.transaction { tx -> Amount in
                let customer = try await OkendoLoyalty.customer(on: tx, storeID: store.id, identifier: input["customerIdentifier"])
                if amount.isPositive {
                    let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
                    return try await PointsLedger.credit(
                        on: tx, storeID: store.id, customerID: customer.id, points: amount,
                        origin: CreditOrigin(issuer: "api", comment: comment), policy: settings, actor: actor
                    ).balances.available
                }
                return try await PointsLedger.debit(
                    on: tx, storeID: store.id, customerID: customer.id, points: -amount, origin: DebitOrigin(issuer: "api", comment: comment), actor: actor
                ).available
            }
            struct Body: Encodable {
                struct Customer: Encodable { let points: PointsView }
                let loyaltyCustomer: Customer
            }
            return try Response.json(Body(loyaltyCustomer: .init(points: PointsView(balance: balance))))
        } catch PointsRefusal.notEnoughPoints {
            throw APIError.http(.unprocessableContent, "Not enough points")
        }
    }

    // MARK: Storefront

    /// S1: the program's rules for anonymous visitors (rules that target no level or segment).
    @Sendable func publicRules(_ request: Request, context: StoreContext) async throws -> Response {
        let pool = context.runtime.pool
        let currency = try await LedgerFacing.settings(on: pool, storeID: context.store.id, currency: context.store.currency).currency
        let rules = try await OkendoLoyalty.rules(on: pool, store: context.store, customer: nil)
        struct Body: Encodable { let earningRules: [OkendoLoyalty.RuleView] }
        return try Response.json(Body(earningRules: rules.map { OkendoLoyalty.RuleView($0, currency: currency) }))
    }

    private func sessionCustomer(_ context: StoreContext, on db: some PostgresQueryable) async throws -> LedgerCustomer {
        let identity = try context.require(.storefront)
        let id = try identity.userID.orThrow(APIError.unauthorized("Invalid JWT Token"))
        return try await CustomerDirectory.find(on: db, storeID: context.store.id, id: id).orThrow(APIError.http(.notFound, "Customer not found"))
    }

    /// S7: details of the logged-in customer, enrolled or not.
    @Sendable func details(_ request: Request, context: StoreContext) async throws -> Response {
        let pool = context.runtime.pool
        let customer = try await sessionCustomer(context, on: pool)
        return try Response.json(try await customerBody(customer, context: context, on: pool))
    }

    private struct CustomerBody: Encodable {
        struct Birthday: Encodable {
            let day: Int
            let month: Int
            let year: Int
        }
        struct Customer: Encodable {
            let email: String?
            let dateEnrolled: String?
            let fullName: String?
            let status: String
            let vipTierId: String?
            let isTierLocked: Bool
            let minimumVipTierId: String?
            let points: PointsView
            let rewardsClaimed: Int
            let birthday: Birthday?
        }
        let loyaltyCustomer: Customer
    }

    private func customerBody(_ customer: LedgerCustomer, context: StoreContext, on db: some PostgresQueryable) async throws -> CustomerBody {
        let summary = try await CustomersLibrary.customer(on: db, storeID: context.store.id, id: customer.id)
        let enrolment = try await LedgerFacing.enrolment(on: db, storeID: context.store.id, customerID: customer.id)
        let balances = try await OkendoLoyalty.balances(on: db, storeID: context.store.id, customerID: customer.id)
        let birthday = enrolment?.birthDate.map { CustomerBody.Birthday(day: $0.day, month: $0.month, year: $0.year) }
        return CustomerBody(loyaltyCustomer: .init(
            email: enrolment?.email, dateEnrolled: enrolment?.enrolledAt.map(Timestamp.iso), fullName: enrolment?.fullName,
            status: OkendoLoyalty.status(customer, enrolment: enrolment), vipTierId: summary?.levelID?.text,
            isTierLocked: summary?.manualLevelID != nil, minimumVipTierId: summary?.manualLevelID?.text,
            points: PointsView(balance: balances.available, dateUpdated: balances.updatedAt.map(Timestamp.iso), pending: balances.locked, spent: balances.spent),
            rewardsClaimed: balances.rewardsClaimed, birthday: birthday
        ))
    }

    /// S8: enrols the customer (`okendo-partner-id` must equal `enrollmentChannel`) and awards sign-up points
    /// unless the customer already had them; a blocked customer is 403. Enrolling twice is a success.
    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        guard let channel = input["enrollmentChannel"]?.trimmedText else { throw APIError.badRequest("enrollmentChannel is required") }
        if let partner = request.headers[HTTPField.Name("okendo-partner-id")!], partner != channel {
            throw APIError.badRequest("okendo-partner-id must equal enrollmentChannel")
        }
        let version = input["legalPoliciesVersionAccepted"]?.trimmedText
        let store = context.store
        let actor = Actor(context.identity, ip: context.clientAddress)
        let pool = context.runtime.pool
        let customer = try await pool.transaction { tx -> LedgerCustomer in
            let customer = try await sessionCustomer(context, on: tx)
            guard customer.status != "blocked" else { throw APIError.forbidden("Customer is blocked") }
            let enrolled = try await LedgerFacing.enrol(on: tx, storeID: store.id, customerID: customer.id, channel: channel, legalPoliciesVersion: version, actor: actor)
            if enrolled?.enrolledNow == true {
                let had = try await tx.query("""
                    SELECT EXISTS (SELECT 1 FROM ledger.transfers t JOIN ledger.earning_rules r ON r.store_id = t.store_id AND r.id = t.earning_rule_id
                                   WHERE t.store_id = \(store.id) AND t.customer_id = \(customer.id) AND r.type = 'event'
                                     AND r.event_name = 'oloy.account.created')
                    """).scalar(Bool.self)
                if !had { _ = try await EventAwards.systemEvent(on: tx, store: store, customer: customer, eventName: "oloy.account.created", actor: actor) }
            }
            return customer
        }
        return try Response.json(try await customerBody(customer, context: context, on: pool))
    }

    /// S9: the rules for the logged-in customer, with `isCompleted` when a limited rule is used up.
    @Sendable func customerRules(_ request: Request, context: StoreContext) async throws -> Response {
        let pool = context.runtime.pool
        let customer = try await sessionCustomer(context, on: pool)
        let settings = try await LedgerFacing.settings(on: pool, storeID: context.store.id, currency: context.store.currency)
        var views: [OkendoLoyalty.RuleView] = []
        for rule in try await OkendoLoyalty.rules(on: pool, store: context.store, customer: customer) {
            var view = OkendoLoyalty.RuleView(rule, currency: settings.currency)
            if let limit = rule.limit, limit.active, let count = limit.limit {
                let used = try await EarningRuleRepository.usages(
                    on: pool, storeID: context.store.id, ruleID: rule.id, customerID: customer.id, period: limit.period ?? "forever",
                    timeZone: settings.timeZone
                )
                view.isCompleted = used >= count
            } else {
                view.isCompleted = false
            }
            views.append(view)
        }
        struct Body: Encodable { let earningRules: [OkendoLoyalty.RuleView] }
        return try Response.json(Body(earningRules: views))
    }

    /// S10: triggers a custom (social) rule for the logged-in, enrolled customer: `{"pointsEarned"}`.
    @Sendable func trigger(_ request: Request, context: StoreContext) async throws -> Response {
        let ruleID = try context.uuidParameter("earningRuleId")
        let store = context.store
        let actor = Actor(context.identity, ip: context.clientAddress)
        let points = try await context.runtime.pool.transaction { tx -> Amount in
            let customer = try await sessionCustomer(context, on: tx)
            let rule = try await EarningRuleRepository.find(on: tx, storeID: store.id, id: ruleID)
            guard let rule, rule.isActive(at: Date()) else { throw APIError.http(.notFound, "Earning rule not found or inactive") }
            guard rule.type == .customEvent, let eventName = rule.eventName else { throw APIError.forbidden("Only social earning rules can be triggered") }
            guard try await LedgerFacing.enrolment(on: tx, storeID: store.id, customerID: customer.id)?.enrolledAt != nil else {
                throw APIError.forbidden("Customer not enrolled")
            }
            do {
                return try await EventAwards.customEvent(on: tx, store: store, customer: customer, eventName: eventName, actor: actor)
            } catch AwardRefusal.limitExceeded {
                throw APIError.badRequest("Earning rule already completed")
            } catch AwardRefusal.noRule {
                throw APIError.forbidden("Invalid earning rule for this customer")
            } catch AwardRefusal.valueRequired {
                throw APIError.forbidden("Points per value rules cannot be triggered from the storefront")
            }
        }
        struct Body: Encodable { let pointsEarned: Amount }
        return try Response.json(Body(pointsEarned: points))
    }

    /// S14: the customer's transfers, newest first, `limit` 1–100 (25), `nextUrl` with `lastEvaluated`.
    @Sendable func transactions(_ request: Request, context: StoreContext) async throws -> Response {
        let pool = context.runtime.pool
        let customer = try await sessionCustomer(context, on: pool)
        let query = try context.queryInput(of: request)
        let limit = query["limit"]?.int ?? 25
        guard (1...100).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 100") }
        var cursor: SQL = "true"
        if let text = query["lastEvaluated"]?.trimmedText {
            let parts = text.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let id = UUID(uuidString: parts[1]), let micros = Int64(parts[0]) else { throw APIError.badRequest("lastEvaluated is not valid") }
            cursor = "(created_at, id) < (timestamptz 'epoch' + \(micros)::bigint * interval '1 microsecond', \(id))"
        }
        let rows = try await pool.query("""
            SELECT id, type, state, value, comment, created_at, (extract(epoch FROM created_at) * 1000000)::bigint AS micros
            FROM ledger.transfers WHERE store_id = \(context.store.id) AND customer_id = \(customer.id) AND \(cursor)
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """)
        struct Item: Encodable {
            let loyaltyTransactionId: String
            let amount: Amount
            let notificationText: String?
            let date: String
            let status: String
            let type: String
            let bonusPoints: Amount
        }
        var items: [Item] = []
        var last: (Int64, UUID)?
        for row in rows.prefix(limit) {
            let type: String = try row["type"]
            let state: String = try row["state"]
            let value: Amount = try row["value"]
            let credit = type == "adding" || type == "p2p_adding"
            items.append(Item(
                loyaltyTransactionId: (try row.decode(UUID.self, "id")).text, amount: credit ? value : -value, notificationText: try row["comment"],
                date: Timestamp.iso(try row["created_at"]), status: state == "pending" ? "pending" : (state == "active" || state == "blocked" ? "complete" : state),
                type: credit ? "earn" : "redeem", bonusPoints: .zero
            ))
            last = (try row["micros"], try row["id"])
        }
        struct Body: Encodable {
            let transactions: [Item]
            let nextUrl: String?
        }
        var next: String?
        if rows.count > limit, let last {
            next = "/v1/loyalty/transactions?limit=\(limit)&lastEvaluated=\(String(last.0))%7C\(last.1.text)"
        }
        return try Response.json(Body(transactions: items, nextUrl: next))
    }

    /// S15: what the customer spent (sales minus returns) since the start of the current calendar year of the store's time zone.
    @Sendable func spend(_ request: Request, context: StoreContext) async throws -> Response {
        let pool = context.runtime.pool
        let customer = try await sessionCustomer(context, on: pool)
        let zone = try await LedgerFacing.settings(on: pool, storeID: context.store.id, currency: context.store.currency).timeZone
        let row = try await pool.query("""
            WITH year AS (SELECT date_trunc('year', now() AT TIME ZONE \(zone)::text) AT TIME ZONE \(zone)::text AS since)
            SELECT year.since, coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_value ELSE -gross_value END), 0) AS spent
            FROM year LEFT JOIN ledger.transactions t
              ON t.store_id = \(context.store.id) AND t.customer_id = \(customer.id) AND t.purchase_date >= year.since
            GROUP BY year.since
            """).firstRow.orThrow(APIError.notFound)
        struct Body: Encodable {
            let customerSpend: Amount
            let dateFrom: String
        }
        return try Response.json(Body(customerSpend: try row["spent"], dateFrom: Timestamp.iso(try row["since"])))
    }
}
