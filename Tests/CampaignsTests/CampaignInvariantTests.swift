import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Campaign invariants under a random mix of purchases, refusals and pool changes")
struct CampaignInvariantTests {
    /// The counters kept on each campaign's row against the same numbers counted afresh from the purchases and pool.
    func drift(_ api: ThreeServices) async throws -> Int {
        try await api.pool.query("""
            SELECT count(*) FROM campaigns.campaigns c
            WHERE c.purchases_count <> (SELECT count(*) FROM campaigns.purchases p WHERE p.store_id = c.store_id AND p.campaign_id = c.id)
               OR c.buyers_count <> (SELECT count(DISTINCT p.customer_id) FROM campaigns.purchases p WHERE p.store_id = c.store_id AND p.campaign_id = c.id)
               OR c.free_coupons <> (SELECT count(*) FROM campaigns.coupons k WHERE k.store_id = c.store_id AND k.campaign_id = c.id AND NOT k.issued)
            """).scalar(Int.self)
    }

    @Test("Counters, pool codes, limits and points agree with the purchases after 60 random operations")
    func randomMix() async throws {
        try await ThreeServices.run { api in
            var generator = SeededGenerator(seed: 20261207)
            let gold = try await api.level("Gold", condition: "0")
            let campaigns = [
                try await api.campaign(name: "Pool", cost: "3", level: gold, coupons: (1...8).map { "P\($0)" }, limits: (6, 2)),
                try await api.campaign(name: "Shared", cost: "1", level: gold, coupons: ["S"], extra: "&campaign[singleCoupon]=1"),
                try await api.campaign(name: "Free", cost: "0", level: gold, coupons: (1...5).map { "F\($0)" }),
            ]
            var customers: [UUID] = []
            for _ in 0..<4 {
                let customer = try await api.customer(levelID: gold)
                try await api.add("10", to: customer)
                customers.append(customer)
            }
            var extra = 0
            for step in 0..<60 {
                let campaign = campaigns.randomElement(using: &generator)!, customer = customers.randomElement(using: &generator)!
                switch Int.random(in: 0..<10, using: &generator) {
                case 0:
                    extra += 1
                    let response = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign/\(campaigns[2])/coupons",
                                                                 form: "coupons[0]=X\(extra)&append=1")
                    #expect(response.status == .noContent, "step \(step)")
                case 1:
                    try await api.add("5", to: customer)
                default:
                    let quantity = Int.random(in: 1...2, using: &generator)
                    let response = try await api.asCustomer(customer, .post, "/api/DEFAULT/customer/campaign/\(campaign)/buy?quantity=\(quantity)")
                    #expect([200, 400].contains(response.status.code), "step \(step): \(response.text)")
                }
            }
            #expect(try await drift(api) == 0)
            let pool = try await api.pool.query("""
                SELECT count(*) FROM campaigns.purchases p JOIN campaigns.campaigns c ON c.store_id = p.store_id AND c.id = p.campaign_id
                WHERE NOT c.single_coupon AND NOT EXISTS (SELECT 1 FROM campaigns.coupons k WHERE k.store_id = p.store_id
                      AND k.campaign_id = p.campaign_id AND k.code = p.code AND k.issued)
                """).scalar(Int.self)
            #expect(pool == 0, "every pool code handed out is marked issued")
            #expect(try await api.pool.query("SELECT count(*) FROM (SELECT code FROM campaigns.purchases p JOIN campaigns.campaigns c ON c.id = p.campaign_id WHERE NOT c.single_coupon GROUP BY p.campaign_id, code HAVING count(*) > 1) t").scalar(Int.self) == 0)
            let limits = try await api.pool.query("""
                SELECT count(*) FROM campaigns.campaigns c WHERE NOT c.unlimited AND (c.purchases_count > c.usage_limit
                    OR EXISTS (SELECT 1 FROM campaigns.campaign_buyers b WHERE b.store_id = c.store_id AND b.campaign_id = c.id AND b.units > c.limit_per_user))
                """).scalar(Int.self)
            #expect(limits == 0, "no limit exceeded")
            // Points: every customer got 10 plus the top-ups and spent exactly what their purchases cost.
            let ledger = try await api.pool.query("""
                SELECT count(*) FROM ledger.accounts a
                WHERE a.spent <> coalesce((SELECT sum(cost_in_points) FROM campaigns.purchases p WHERE p.store_id = a.store_id AND p.customer_id = a.customer_id), 0)
                   OR a.rewards_claimed <> (SELECT count(*) FROM campaigns.purchases p WHERE p.store_id = a.store_id AND p.customer_id = a.customer_id)
                """).scalar(Int.self)
            #expect(ledger == 0, "the ledger's spent points and rewards claimed match the purchases")
        }
    }
}
