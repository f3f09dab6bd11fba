import Customers
import Foundation
import Postgres
import ServiceKit

/// The ledger library: look-ups the services above the ledger (campaigns, reviews) call inside their own
/// transaction (`on:` takes the caller's transaction or the pool).
public enum LedgerLibrary {
    /// The event a sale appends for each instant-reward rule it matched: `customerId`, `transactionId`,
    /// `campaignId` (the rule's reward campaign), `earningRuleId`, `grossValue`.
    public static let instantRewardEventType = "InstantRewardWasEarned"

    /// The event a return against a customer's sale appends: `customerId`, `saleTransactionId`,
    /// `returnTransactionId`, `saleValue`, `returnedValue` (everything returned of the sale so far).
    public static let saleReturnedEventType = "SaleWasReturned"

    /// The earning rules running now that VIP tiers (levels) have of their own, by level: a rule belongs to
    /// every level it names among the levels it targets; by name within a level (Okendo S3, decision okendo S3).
    public static func okendoEarningRulesByLevel(on db: some PostgresQueryable, store: Store) async throws -> [UUID: [OkendoLoyalty.RuleView]] {
        let currency = try await LedgerFacing.settings(on: db, storeID: store.id, currency: store.currency).currency
        var byLevel: [UUID: [OkendoLoyalty.RuleView]] = [:]
        for rule in try await OkendoLoyalty.runningRules(on: db, storeID: store.id) {
            for level in rule.levels { byLevel[level, default: []].append(OkendoLoyalty.RuleView(rule, currency: currency)) }
        }
        return byLevel
    }

    /// The points a customer can spend now (0 without an account).
    public static func availablePoints(on db: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> Amount {
        try await db.query("""
            SELECT available FROM ledger.accounts WHERE store_id = \(storeID) AND customer_id = \(customerID)
            """).firstRow?.decode(Amount.self, "available") ?? .zero
    }

    /// Pays a reward with points: a `spending` transfer of `points`, inside the caller's transaction, with its
    /// event. False, and nothing written, when the customer has fewer points available.
    public static func spendOnReward(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, points: Amount, comment: String, issuer: String, actor: Actor?
    ) async throws -> Bool {
        do {
            try await PointsLedger.debit(
                on: db, storeID: storeID, customerID: customerID, points: points,
                origin: DebitOrigin(issuer: issuer, comment: comment), actor: actor
            )
            return true
        } catch PointsRefusal.notEnoughPoints {
            return false
        }
    }

    /// Counts `count` more rewards claimed by the customer (Okendo `rewardsClaimed`), in the caller's transaction.
    public static func countRewardsClaimed(on db: some PostgresQueryable, storeID: UUID, customerID: UUID, count: Int) async throws {
        try await db.execute("""
            INSERT INTO ledger.accounts AS a (store_id, customer_id, rewards_claimed) VALUES (\(storeID), \(customerID), \(count))
            ON CONFLICT (store_id, customer_id) DO UPDATE SET rewards_claimed = a.rewards_claimed + excluded.rewards_claimed
            """)
    }

    // MARK: Okendo loyalty customers

    /// A loyalty customer as the Okendo redemption endpoints need one: who, and whether they may redeem.
    public struct OkendoMember: Sendable, Hashable {
        public let customerID: UUID
        /// `pending`, `enrolled` or `blocked` (Okendo §2.2).
        public let status: String
    }

    /// The member named by `loyaltyCustomerId` or `email` (exactly one): 400 for neither or both, 404 when unknown.
    public static func okendoMember(on db: some PostgresQueryable, storeID: UUID, id: String?, email: String?) async throws -> OkendoMember {
        try await member(on: db, storeID: storeID, try await OkendoLoyalty.customer(on: db, storeID: storeID, id: id, email: email))
    }

    /// The member named by a POST body's `customerIdentifier`.
    public static func okendoMember(on db: some PostgresQueryable, storeID: UUID, identifier: FormValue?) async throws -> OkendoMember {
        try await member(on: db, storeID: storeID, try await OkendoLoyalty.customer(on: db, storeID: storeID, identifier: identifier))
    }

    /// The member with this customer id (a storefront session's), nil when unknown.
    public static func okendoMember(on db: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> OkendoMember? {
        guard let customer = try await CustomerDirectory.find(on: db, storeID: storeID, id: customerID) else { return nil }
        return try await member(on: db, storeID: storeID, customer)
    }

    private static func member(on db: some PostgresQueryable, storeID: UUID, _ customer: LedgerCustomer) async throws -> OkendoMember {
        let enrolment = try await LedgerFacing.enrolment(on: db, storeID: storeID, customerID: customer.id)
        return OkendoMember(customerID: customer.id, status: OkendoLoyalty.status(customer, enrolment: enrolment))
    }

    /// Okendo's points summary (§2.3): balance, last change, pending and spent points.
    public struct OkendoPoints: Encodable, Sendable, Hashable {
        public let balance: Amount
        public let dateUpdated: String?
        public let pending: Amount
        public let spent: Amount
    }

    public static func okendoPoints(on db: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> OkendoPoints {
        let balances = try await OkendoLoyalty.balances(on: db, storeID: storeID, customerID: customerID)
        return OkendoPoints(
            balance: balances.available, dateUpdated: balances.updatedAt.map(Timestamp.iso), pending: balances.locked, spent: balances.spent
        )
    }
}
