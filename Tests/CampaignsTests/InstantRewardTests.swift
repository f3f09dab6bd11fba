import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Instant rewards: a sale matching an instant_reward rule gives the rule's campaign (extensions §6.2)")
struct InstantRewardTests {
    /// Registers a sale of one item through the ledger for the customer with this e-mail.
    func sell(
        _ api: ThreeServices, number: String, email: String, sku: String = "SKU1", value: String, returning sale: String? = nil
    ) async throws {
        var form = "transaction[transactionData][documentType]=\(sale == nil ? "sell" : "return")"
            + "&transaction[transactionData][documentNumber]=\(number)"
            + "&transaction[transactionData][purchaseDate]=2024-02-20+09:28&transaction[customerData][name]=Jane+Doe"
            + "&transaction[customerData][email]=\(email)&transaction[items][0][sku][code]=\(sku)&transaction[items][0][name]=Item"
            + "&transaction[items][0][quantity]=1&transaction[items][0][grossValue]=\(value)"
        if let sale { form += "&transaction[revisedDocument]=\(sale)" }
        let response = try await ThreeServices.admin(api.ledger, .post, "/api/DEFAULT/transaction", form: form)
        #expect(response.status == .ok, "sale: \(response.text)")
    }

    func email(_ api: ThreeServices, _ customer: UUID) async throws -> String {
        try await api.pool.query("SELECT email FROM customers.customers WHERE id = \(customer)").scalar(String.self)
    }

    @Test("A coupon campaign and a percentage discount are given for the sale; a targeted-away customer gets nothing")
    func givenForTheSale() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100"), silver = try await api.level("Silver", condition: "10")
            let coupon = try await api.campaign(name: "Welcome gift", cost: "0", level: gold, coupons: ["W1", "W2"])
            let percent = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: """
                campaign[reward]=percentage_discount_code&campaign[translations][en][name]=Ten percent&campaign[active]=1\
                &campaign[target]=level&campaign[levels][0]=\(gold.text)&campaign[unlimited]=1&campaign[transactionPercentageValue]=10\
                &campaign[daysInactive]=0&campaign[daysValid]=0&campaign[campaignVisibility][allTimeVisible]=1&campaign[campaignActivity][allTimeActive]=1
                """)
            let percentID = try #require(try percent.object()["campaignId"] as? String, "\(percent.text)")
            try await api.rule("earningRule[type]=instant_reward&earningRule[name]=Gift&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[rewardCampaignId]=\(coupon)")
            try await api.rule("earningRule[type]=instant_reward&earningRule[name]=Percent&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[rewardCampaignId]=\(percentID)")
            try await api.rule("earningRule[type]=points&earningRule[name]=Spend&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[pointValue]=1")
            let jane = try await api.customer(levelID: gold), silverCustomer = try await api.customer(levelID: silver)

            try await sell(api, number: "S-1", email: try await email(api, jane), value: "123.45")
            try await sell(api, number: "S-2", email: try await email(api, silverCustomer), value: "50")
            let given = try await eventually {
                try await api.pool.query("SELECT count(*) FROM campaigns.purchases").scalar(Int.self) == 2
            }
            #expect(given)
            let sale = try await api.pool.query("SELECT id FROM ledger.transactions WHERE document_number = 'S-1'").scalar(UUID.self)
            let rows = try await api.pool.query("""
                SELECT code, customer_id, transaction_id, cost_in_points::text AS cost FROM campaigns.purchases ORDER BY code
                """)
            #expect(try rows.map { try $0.decode(String.self, "code") } == ["12.35", "W1"])
            #expect(try rows.map { try $0.decode(UUID.self, "customer_id") } == [jane, jane])
            #expect(try rows.map { try $0.decode(UUID?.self, "transaction_id") } == [sale, sale])
            #expect(try await api.available(jane) == "123.45")

            let listed = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/bought?sort=purchasedAt").object()
            let transactions = (listed["boughtCampaigns"] as? [[String: Any]])?.compactMap { ($0["transactionId"] as? [String: String])?["transactionId"] }
            #expect(transactions == [sale.text, sale.text])
            // The silver customer's sale matched the rules but the campaigns are not aimed at silver: nothing given.
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.purchases WHERE customer_id = \(silverCustomer)").scalar(Int.self) == 0)
            #expect(try await api.pool.query("SELECT count(*) FROM suite.event_queue").scalar(Int.self) == 0)
        }
    }

    @Test("A stopping instant-reward rule ends the chain: later product rules pay nothing")
    func stopFlag() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "1")
            let coupon = try await api.campaign(name: "Gift", cost: "0", level: gold, coupons: ["G1"])
            try await api.rule("earningRule[type]=points&earningRule[name]=Spend&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[pointValue]=1")
            try await api.rule("""
                earningRule[type]=instant_reward&earningRule[name]=Gift&earningRule[active]=1&earningRule[allTimeActive]=1\
                &earningRule[rewardCampaignId]=\(coupon)&earningRule[lastExecutedRule]=1
                """)
            try await api.rule("earningRule[type]=product_purchase&earningRule[name]=Bonus&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[skuIds][0]=SKU1&earningRule[pointsAmount]=100")
            let jane = try await api.customer(levelID: gold)
            try await sell(api, number: "S-1", email: try await email(api, jane), value: "10")
            #expect(try await eventually { try await api.pool.query("SELECT count(*) FROM campaigns.purchases").scalar(Int.self) == 1 })
            #expect(try await api.available(jane) == "10.00")
            let invalid = try await ThreeServices.admin(api.ledger, .post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=instant_reward&earningRule[name]=Bad&earningRule[active]=1&earningRule[rewardCampaignId]=not-a-campaign
                """)
            #expect(invalid.status == .badRequest)
        }
    }

    @Test("Returns recompute a percentage discount on the value left, and a full return cancels it")
    func returnsRecomputePercentageDiscounts() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "0")
            let percent = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: """
                campaign[reward]=percentage_discount_code&campaign[translations][en][name]=Ten percent&campaign[active]=1\
                &campaign[target]=level&campaign[levels][0]=\(gold.text)&campaign[unlimited]=1&campaign[transactionPercentageValue]=10\
                &campaign[daysInactive]=0&campaign[daysValid]=0&campaign[campaignVisibility][allTimeVisible]=1&campaign[campaignActivity][allTimeActive]=1
                """)
            let percentID = try #require(try percent.object()["campaignId"] as? String)
            try await api.rule("earningRule[type]=instant_reward&earningRule[name]=Percent&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[rewardCampaignId]=\(percentID)")
            let jane = try await api.customer(levelID: gold)
            let address = try await email(api, jane)
            func code() async throws -> String? {
                try await api.pool.query("SELECT code || ' ' || canceled FROM campaigns.purchases").firstRow?.decode(String.self, at: 0)
            }
            try await sell(api, number: "S-1", email: address, value: "100")
            #expect(try await eventually { try await code() == "10 false" })
            try await sell(api, number: "R-1", email: address, value: "40", returning: "S-1")
            #expect(try await eventually { try await code() == "6 false" })
            try await sell(api, number: "R-2", email: address, value: "60", returning: "S-1")
            #expect(try await eventually { try await code() == "0 true" })
            let mine = try await api.asCustomer(jane, .get, "/api/DEFAULT/customer/campaign/bought").object()
            let purchase = try #require((mine["campaigns"] as? [[String: Any]])?.first)
            #expect(purchase["status"] as? String == "canceled" && purchase["canBeUsed"] as? Bool == false)
        }
    }
}
