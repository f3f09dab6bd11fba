import Customers
import Foundation
import Hummingbird
import Ledger
import Postgres
import ServiceKit

/// S3 `GET /v1/stores/{subscriberId}/loyalty/vip_program` (anonymous): the store's VIP tiers, each with the
/// earning and redemption rules of its own. Served here because a tier combines the customers' levels, the
/// ledger's earning rules and the campaigns' redemption rules (decision okendo S3).
struct VipProgramController {
    struct Tier: Encodable {
        let vipTierId: String
        let name: String
        let entryRequirement: VipTier.EntryRequirement
        let style: VipTier.Style
        let customPerks: [String]
        let earningRules: [OkendoLoyalty.RuleView]
        /// The running redemption rules (reward campaigns) aimed at the tier's level.
        let redemptionRules: [RedemptionRules.StorefrontView]
    }

    func add(to group: RouterGroup<StoreContext>) {
        group.get("loyalty/vip_program", use: program)
    }

    @Sendable func program(_ request: Request, context: StoreContext) async throws -> Response {
        let store = context.store
        let (levels, earning, redemption) = try await context.runtime.pool.withConnection { db in
            (
                try await CustomersLibrary.vipTiers(on: db, store: store),
                try await LedgerLibrary.okendoEarningRulesByLevel(on: db, store: store),
                try await RedemptionRules.running(on: db, storeID: store.id)
            )
        }
        let tiers = levels.map { tier in
            Tier(
                vipTierId: tier.vipTierId, name: tier.name, entryRequirement: tier.entryRequirement, style: tier.style,
                customPerks: tier.customPerks, earningRules: earning[tier.levelID] ?? [],
                redemptionRules: redemption.filter { $0.levels.contains(tier.levelID) }.map { RedemptionRules.StorefrontView($0, locale: "en") }
            )
        }
        struct Program: Encodable { let vipTiers: [Tier] }
        struct Body: Encodable { let vipProgram: Program }
        return try Response.json(Body(vipProgram: Program(vipTiers: tiers)))
    }
}
