import Customers
import Foundation
import Postgres
import ServiceKit

/// The ledger library: look-ups the services above the ledger (campaigns, reviews) call inside their own
/// transaction (`on:` takes the caller's transaction or the pool).
public enum LedgerLibrary {
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
}
