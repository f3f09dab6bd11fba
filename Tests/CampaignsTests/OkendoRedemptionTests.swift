import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

extension ThreeServices {
    /// Merchant API credentials of the store (as the auth service stores them), as Basic headers.
    func merchantHeaders() async throws -> HTTPFields {
        let user = UUID().uuidString.lowercased(), key = "key-\(UUID().uuidString)"
        try await pool.execute("""
            INSERT INTO auth.merchant_credentials (store_id, user_id, api_key_hash) VALUES (\(try await storeID()), \(user), \(Secrets.sha256Hex(key)))
            """)
        return [.authorization: "Basic " + Data("\(user):\(key)".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], json: String? = nil) async throws -> TestResponse {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
    }

    func storefront(_ customer: UUID) async throws -> HTTPFields {
        [.authorization: "Bearer \(try await TestTokens.token(.storefront, userID: customer, store: "DEFAULT"))"]
    }
}

@Suite("Okendo redemption rules and redemptions (M6, M7, S2, S3, S12, S13)")
struct OkendoRedemptionTests {
    @Test("Rules are the running reward campaigns; tailored lists, tiers, and redeeming spends points for a code")
    func rulesAndRedemption() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "0"), silver = try await api.level("Silver", condition: "1000")
            let tenOff = try await api.campaign(name: "Ten off", cost: "100", level: gold, coupons: ["T1", "T2"], extra: "&campaign[rewardValue]=10")
            let gift = try await api.campaign(name: "Gift", cost: "20", level: silver, coupons: ["G1"], extra: "&campaign[reward]=gift_code")
            _ = try await api.campaign(name: "Off", cost: "1", level: gold, extra: "&campaign[active]=0")
            let basic = try await api.merchantHeaders()

            let all = try await api.call(api.campaigns, .get, "/enterprise/loyalty/redemption_rules", headers: basic).object()
            let rules = try #require(all["rules"] as? [[String: Any]])
            #expect(Set(rules.compactMap { $0["redemptionRuleId"] as? String }) == [tenOff, gift])
            let ten = try #require(rules.first { $0["redemptionRuleId"] as? String == tenOff })
            #expect(ten["type"] as? String == "fixed-value" && ten["expiresAfterDays"] as? Int == 30)
            let reward = try #require(ten["reward"] as? [String: Any])
            #expect(reward["awardVia"] as? String == "coupon" && reward["points"] as? Int == 100 && reward["value"] as? Int == 10)
            #expect(try await api.call(api.campaigns, .get, "/enterprise/loyalty/redemption_rules").status == .unauthorized)

            let storeID = try await api.storeID()
            let publicRules = try await api.call(api.campaigns, .get, "/v1/stores/\(storeID.text)/loyalty/redemption_rules").object()
            #expect((publicRules["redemptionRules"] as? [[String: Any]])?.count == 2)
            let currency = (publicRules["localisation"] as? [String: Any])?["currency"] as? [String: Any]
            #expect(currency?["code"] as? String == "EUR" && currency?["exchangeRate"] as? Int == 1)
            let giftRule = (publicRules["redemptionRules"] as? [[String: Any]])?.first { $0["redemptionRuleId"] as? String == gift }
            #expect(giftRule?["type"] as? String == "free-product" && giftRule?["title"] as? String == "Gift")

            let tiers = try #require(try await api.call(api.campaigns, .get, "/v1/stores/\(storeID.text)/loyalty/vip_program").object()["vipProgram"] as? [String: Any])
            let byTier = (tiers["vipTiers"] as? [[String: Any]])?.map { (($0["redemptionRules"] as? [[String: Any]]) ?? []).compactMap { $0["redemptionRuleId"] as? String } }
            #expect(byTier == [[tenOff], [gift]])

            // A gold customer, enrolled through the ledger, with 150 points.
            let jane = try await api.customer(levelID: gold)
            let session = try await api.storefront(jane)
            let mine = try await api.call(api.campaigns, .get, "/v1/loyalty/redemption_rules", headers: session).object()
            #expect((mine["redemptionRules"] as? [[String: Any]])?.compactMap { $0["redemptionRuleId"] as? String } == [tenOff])
            let notEnrolled = try await api.call(api.campaigns, .post, "/v1/loyalty/redemptions", headers: session, json: #"{"redemptionRuleId":"\#(tenOff)"}"#)
            #expect(notEnrolled.status == .forbidden)
            let enrolled = try await api.call(api.ledger, .post, "/v1/loyalty/customer_activation", headers: session, json: #"{"enrollmentChannel":"partner-1"}"#)
            #expect(enrolled.status == .ok, "\(enrolled.text)")
            try await api.add("150", to: jane)

            let redeemed = try await api.call(api.campaigns, .post, "/v1/loyalty/redemptions", headers: session,
                                              json: #"{"redemptionRuleId":"\#(tenOff)","localisation":{"currencyCode":"EUR","clientValue":10,"locale":"en"}}"#)
            #expect(redeemed.status == .ok, "\(redeemed.text)")
            let body = try redeemed.object()
            #expect(((body["reward"] as? [String: Any])?["result"] as? [String: Any])?["data"] as? [String: String] == ["code": "T1"])
            #expect((body["customerPoints"] as? [String: Any])?["balance"] as? Int == 50)
            #expect((body["customerPoints"] as? [String: Any])?["spent"] as? Int == 100)
            let poor = try await api.call(api.campaigns, .post, "/v1/loyalty/redemptions", headers: session, json: #"{"redemptionRuleId":"\#(tenOff)"}"#)
            #expect(poor.status == .forbidden)
            #expect(poor.text.contains("Not enough points"), "\(poor.text)")
            let dollars = try await api.call(api.campaigns, .post, "/v1/loyalty/redemptions", headers: session,
                                             json: #"{"redemptionRuleId":"\#(tenOff)","localisation":{"currencyCode":"USD"}}"#)
            #expect(dollars.status == .unprocessableContent)
            let notHers = try await api.call(api.campaigns, .post, "/v1/loyalty/redemptions", headers: session, json: #"{"redemptionRuleId":"\#(gift)"}"#)
            #expect(notHers.status == .forbidden)
            #expect(try await api.call(api.campaigns, .post, "/v1/loyalty/redemptions", headers: session, json: #"{"redemptionRuleId":"\#(UUID().text)"}"#).status == .notFound)

            // The merchant redeems for her by e-mail.
            try await api.add("100", to: jane)
            let email = try await api.pool.query("SELECT email FROM customers.customers WHERE id = \(jane)").scalar(String.self)
            let merchant = try await api.call(api.campaigns, .post, "/enterprise/loyalty/redemption_transactions", headers: basic,
                                              json: #"{"customerIdentifier":{"email":"\#(email)"},"redemptionRuleId":"\#(tenOff)"}"#)
            #expect(merchant.status == .ok, "\(merchant.text)")
            let result = try merchant.object()
            #expect(((result["loyaltyCustomer"] as? [String: Any])?["points"] as? [String: Any])?["balance"] as? Int == 50)
            #expect((result["transactionDetails"] as? [String: Any])?["amount"] as? Int == 100)
            #expect((result["reward"] as? [String: Any])?["coupon"] as? [String: String] == ["code": "T2"])
            let tailored = try await api.call(api.campaigns, .get, "/enterprise/loyalty/redemption_rules?email=\(email)", headers: basic).object()
            #expect((tailored["rules"] as? [Any])?.isEmpty == true, "no codes left for her")
            let details = try await api.call(api.ledger, .get, "/v1/loyalty/customer_details", headers: session).object()
            #expect((details["loyaltyCustomer"] as? [String: Any])?["rewardsClaimed"] as? Int == 2)
        }
    }
}
