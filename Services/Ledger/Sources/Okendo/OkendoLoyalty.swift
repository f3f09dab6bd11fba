import Customers
import Foundation
import HTTPTypes
import Postgres
import ServiceKit

/// How the ledger's customers and rules look in the Okendo-style APIs (decision ledger okendo).
public enum OkendoLoyalty {
    /// `pending` (not enrolled), `enrolled`, `blocked`.
    static func status(_ customer: LedgerCustomer, enrolment: LoyaltyEnrolment?) -> String {
        if customer.status == "blocked" { return "blocked" }
        return enrolment?.enrolledAt == nil ? "pending" : "enrolled"
    }

    /// `{"loyaltyCustomerId"}` or `{"email"}`; 400 when neither or both, 404 when unknown.
    static func customer(
        on db: some PostgresQueryable, storeID: UUID, id: String?, email: String?
    ) async throws -> LedgerCustomer {
        switch (id, email) {
        case (let id?, nil):
            guard let uuid = UUID(uuidString: id) else { throw APIError.notFound }
            return try await CustomerDirectory.find(on: db, storeID: storeID, id: uuid).orThrow(APIError.http(.notFound, "Loyalty customer not found"))
        case (nil, let email?):
            return try await CustomersLibrary.customer(on: db, storeID: storeID, email: email).map(LedgerCustomer.init)
                .orThrow(APIError.http(.notFound, "Loyalty customer not found"))
        default:
            throw APIError.badRequest("Exactly one of loyaltyCustomerId and email identifies the customer")
        }
    }

    /// The customer named by a POST body's `customerIdentifier`.
    static func customer(on db: some PostgresQueryable, storeID: UUID, identifier: FormValue?) async throws -> LedgerCustomer {
        guard let identifier, identifier.map != nil else { throw APIError.badRequest("customerIdentifier is required") }
        return try await customer(on: db, storeID: storeID, id: identifier["loyaltyCustomerId"]?.trimmedText, email: identifier["email"]?.trimmedText)
    }

    struct Balances {
        let available: Amount
        let locked: Amount
        let spent: Amount
        let rewardsClaimed: Int
        let updatedAt: Date?
    }

    static func balances(on db: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> Balances {
        let row = try await db.query("""
            SELECT a.available, a.locked, a.spent, a.rewards_claimed,
                   (SELECT max(created_at) FROM ledger.transfers t WHERE t.store_id = a.store_id AND t.customer_id = a.customer_id) AS updated
            FROM ledger.accounts a WHERE a.store_id = \(storeID) AND a.customer_id = \(customerID)
            """).firstRow
        guard let row else { return Balances(available: .zero, locked: .zero, spent: .zero, rewardsClaimed: 0, updatedAt: nil) }
        return Balances(
            available: try row["available"], locked: try row["locked"], spent: try row["spent"], rewardsClaimed: try row["rewards_claimed"],
            updatedAt: try row["updated"]
        )
    }

    /// An earning rule as the Okendo endpoints show it (M4, S1, S3, S9).
    public struct RuleView: Encodable, Sendable {
        public struct Reward: Encodable, Sendable {
            let type: String
            let amount: Amount
        }

        let earningRuleId: String
        let actionId: String?
        let action: String
        let actionCategory: String
        let title: String
        let pointsPerText: String?
        let reward: Reward
        let type: String
        let amount: Amount
        var isCompleted: Bool?

        init(_ rule: EarningRule, currency: String) {
            earningRuleId = rule.id.text
            title = rule.name
            switch rule.type {
            case .points:
                action = "place-order"
                actionCategory = "order"
                let value = rule.config.pointValue ?? .zero
                pointsPerText = "\(value) points per \(currency.uppercased()) spent"
                reward = Reward(type: "points-per", amount: value)
            case .event where rule.eventName == "oloy.account.created":
                action = "sign-up"
                actionCategory = "account"
                pointsPerText = nil
                reward = Reward(type: "fixed-amount", amount: rule.config.pointsAmount ?? .zero)
            case .customEvent:
                action = "custom"
                actionCategory = "social"
                if let value = rule.config.pointValue {
                    pointsPerText = "\(value) points per unit"
                    reward = Reward(type: "points-per", amount: value)
                } else {
                    pointsPerText = nil
                    reward = Reward(type: "fixed-amount", amount: rule.config.pointsAmount ?? .zero)
                }
            default:
                action = rule.type.rawValue
                actionCategory = "other"
                pointsPerText = nil
                reward = Reward(type: "fixed-amount", amount: rule.config.pointsAmount ?? .zero)
            }
            actionId = rule.type == .customEvent ? rule.eventName : nil
            type = reward.type
            amount = reward.amount
        }
    }

    /// The rules a visitor (no customer) or a customer can earn with now.
    static func rules(on db: some PostgresQueryable, store: Store, customer: LedgerCustomer?) async throws -> [EarningRule] {
        var profile: CustomerProfile?
        if let customer { profile = try await CustomerDirectory.profile(on: db, storeID: store.id, customer: customer) }
        return try await runningRules(on: db, storeID: store.id).filter { rule in
            profile.map(rule.targets) ?? (rule.levels.isEmpty && rule.segments.isEmpty)
        }
    }

    /// The store's rules in force now (active, within their window), instant rewards left out, by name.
    static func runningRules(on db: some PostgresQueryable, storeID: UUID) async throws -> [EarningRule] {
        let now = Date()
        return try await EarningRuleRepository.active(on: db, storeID: storeID, types: RuleType.allCases)
            .filter { $0.type != .instantReward && $0.isActive(at: now) }
            .sorted { $0.name < $1.name }
    }
}
