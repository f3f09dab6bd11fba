import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Cashback (CMP-01…CMP-04) and validating usages (CC-03, CC-04)")
struct CashbackAndValidationTests {
    /// A cashback campaign aimed at `level`, paying `value` per point.
    func cashback(_ api: ThreeServices, level: UUID, value: String) async throws -> String {
        let response = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: """
            campaign[reward]=cashback&campaign[translations][en][name]=Cash \(value)&campaign[active]=1&campaign[pointValue]=\(value)\
            &campaign[target]=level&campaign[levels][0]=\(level.text)&campaign[unlimited]=1&campaign[campaignVisibility][allTimeVisible]=1\
            &campaign[campaignActivity][allTimeActive]=1&campaign[cashbackProvider]=paytm
            """)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.object()["campaignId"] as? String)
    }

    @Test("Cashback pays points at the best point value; the simulation writes nothing; the provider reports the payout")
    func cashbackFlow() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "0")
            _ = try await cashback(api, level: gold, value: "2")
            let best = try await cashback(api, level: gold, value: "3")
            let jane = try await api.customer(levelID: gold)
            try await api.add("100", to: jane)

            let simulated = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/campaign/cashback/simulate",
                                                          form: "customerId=\(jane.text)&pointsAmount=10").object()
            #expect(simulated["pointValue"] as? String == "3.00" && simulated["rewardAmount"] as? Int == 30)
            #expect(try await api.available(jane) == "100.00")

            let redeemed = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/campaign/cashback/redeem",
                                                         form: "customerId=\(jane.text)&pointsAmount=5").object()
            #expect(redeemed["rewardAmount"] as? Int == 15 && redeemed["pointValue"] as? Int == 3 && redeemed["pointsAmount"] as? Int == 5)
            #expect(try await api.available(jane) == "95.00")
            let mine = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/cashback/redeem", form: "pointsAmount=200&cashbackId=\(best)")
            #expect(try mine.object()["error"] as? String == "Not enough points")
            let ok = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/cashback/redeem", form: "pointsAmount=10&cashbackId=\(best)").object()
            #expect(ok["cashbackId"] as? String == best && ok["rewardAmount"] as? Int == 30)
            #expect(try await api.available(jane) == "85.00")

            let bought = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/bought?sort=purchasedAt").object()
            let first = try #require((bought["boughtCampaigns"] as? [[String: Any]])?.first)
            #expect(first["campaignType"] as? String == "cashback" && (first["coupon"] as? [String: String])?["code"] == "")
            let coupon = try #require((first["coupon"] as? [String: String])?["id"])
            let report = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign/cashback/callback/paytm", contentType: "application/json",
                                                       body: Array(#"{"orderId":"\#(jane.text)_\#(coupon)","statusCode":"ACCEPTED","statusMessage":"ACCEPTED"}"#.utf8)).object()
            #expect(report["couponId"] as? String == coupon && report["customerId"] as? String == jane.text)
            #expect(report["failed"] as? Bool == false && report["code"] as? String == "ACCEPTED" && report["provider"] as? String == "paytm")
            #expect(try await api.pool.query("SELECT cashback_status FROM campaigns.purchases WHERE id = \(UUID(uuidString: coupon)!)").scalar(String.self) == "ACCEPTED")

            let outsider = try await api.customer(levelID: try await api.level("Silver", condition: "1000"))
            let none = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/campaign/cashback/simulate", form: "customerId=\(outsider.text)&pointsAmount=1")
            #expect(try none.object()["error"] as? String == "cashback not available")
            #expect(try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/campaign/cashback/redeem", form: "customerId=\(jane.text)").status == .badRequest)
        }
    }

    @Test("Validation counts usages cumulatively against what is left and the balance with additional points")
    func validation() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "0")
            let one = try await api.campaign(name: "One", cost: "30", level: gold, coupons: ["A1", "A2"], limits: (10, 1))
            let three = try await api.campaign(name: "Three", cost: "50", level: gold, coupons: ["B1"])
            let jane = try await api.customer(levelID: gold)
            try await api.add("40", to: jane)
            let body = #"{"campaigns":{"additionalPoints":100,"campaigns":[{"rewardCampaignId":"\#(one)"},{"rewardCampaignId":"\#(one)"},{"rewardCampaignId":"\#(three)"}]}}"#
            let result = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/customer/\(jane.text)/campaign/validate",
                                                       contentType: "application/json", body: Array(body.utf8)).object()
            #expect((result["campaigns"] as? [[String: Any]])?.map { $0["usageLimitAvailable"] as? Bool } == [true, false, true])
            #expect(result["finalUsageLimitAvailable"] as? Bool == false)
            #expect(result["balancePointsAvailable"] as? Bool == true)
            #expect(result["additionalPoints"] as? Int == 100)
            let poor = #"{"campaigns":{"campaigns":[{"rewardCampaignId":"\#(one)"},{"rewardCampaignId":"\#(three)"}]}}"#
            var headers: HTTPFields = [.authorization: "Bearer \(try await TestTokens.token(.customer, userID: jane, store: "DEFAULT"))"]
            headers[.contentType] = "application/json"
            let mine = try await api.campaigns.execute(uri: "/api/DEFAULT/customer/campaign/validate", method: .post, headers: headers,
                                                       body: ByteBuffer(string: poor)) { $0 }.object()
            #expect(mine["finalUsageLimitAvailable"] as? Bool == true && mine["balancePointsAvailable"] as? Bool == false)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.purchases").scalar(Int.self) == 0)
        }
    }
}
