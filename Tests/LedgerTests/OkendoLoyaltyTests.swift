import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

extension LedgerAPI {
    /// Merchant API credentials of the store (as the auth service stores them), as Basic headers.
    func merchantHeaders(store: String = "DEFAULT") async throws -> HTTPFields {
        let user = UUID().uuidString.lowercased(), key = "key-\(UUID().uuidString)"
        try await pool.execute("""
            INSERT INTO auth.merchant_credentials (store_id, user_id, api_key_hash) VALUES (\(try await storeID(store)), \(user), \(Secrets.sha256Hex(key)))
            """)
        return [.authorization: "Basic " + Data("\(user):\(key)".utf8).base64EncodedString()]
    }

    func storefrontToken(_ customer: UUID, store: String = "DEFAULT") async throws -> String {
        try await TestTokens.token(.storefront, userID: customer, store: store)
    }
}

@Suite("Okendo loyalty endpoints (M3, M4, M5, M8, S1, S7–S10, S14, S15)")
struct OkendoLoyaltyTests {
    @Test func merchantCustomerRulesEarningAndAdjustments() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "okendo@example.com")
            let basic = try await api.merchantHeaders()
            try await api.spendingRule("2")
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Follow&earningRule[active]=1&earningRule[eventName]=k2d6ne&earningRule[pointsAmount]=10
                """).status == .ok)
            let shown = try await api.send(.get, "/enterprise/loyalty/customers?email=okendo@example.com", headers: basic).object()
            let loyalty = try #require(shown["loyaltyCustomer"] as? [String: Any])
            #expect(loyalty["loyaltyCustomerId"] as? String == customer.uuidString.lowercased())
            #expect(loyalty["status"] as? String == "pending")
            #expect(try await api.send(.get, "/enterprise/loyalty/customers?email=okendo@example.com&loyaltyCustomerId=\(customer)", headers: basic).status == .badRequest)
            #expect(try await api.send(.get, "/enterprise/loyalty/customers?email=nobody@example.com", headers: basic).status == .notFound)
            #expect(try await api.send(.get, "/enterprise/loyalty/customers?email=okendo@example.com").status == .unauthorized)

            let rules = try #require(try await api.send(.get, "/enterprise/loyalty/earning_rules", headers: basic).object()["rules"] as? [[String: Any]])
            #expect(rules.map { $0["type"] as? String } == ["fixed-amount", "points-per"])

            var json = basic
            json[.contentType] = "application/json"
            let earned = try await api.send(.post, "/enterprise/loyalty/earning_transactions", json: #"{"actionId":"k2d6ne","customerIdentifier":{"email":"okendo@example.com"}}"#, headers: basic)
            #expect(earned.status == .ok, "\(earned.text)")
            #expect(number(try earned.object()["pointsEarned"]) == "10")
            #expect(try await api.send(.post, "/enterprise/loyalty/earning_transactions", json: #"{"actionId":"nope","customerIdentifier":{"email":"okendo@example.com"}}"#, headers: basic).status == .notFound)

            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Reviews&earningRule[active]=1&earningRule[eventName]=per_review&earningRule[pointValue]=1.5
                """).status == .ok)
            let perValue = try await api.send(.post, "/enterprise/loyalty/earning_transactions", json: #"{"actionId":"per_review","value":10,"customerIdentifier":{"email":"okendo@example.com"}}"#, headers: basic)
            #expect(number(try perValue.object()["pointsEarned"]) == "15", "\(perValue.text)")
            #expect(try await api.send(.post, "/enterprise/loyalty/earning_transactions", json: #"{"actionId":"per_review","customerIdentifier":{"email":"okendo@example.com"}}"#, headers: basic).status == .unprocessableContent)
            #expect(try await api.send(.post, "/enterprise/loyalty/adjustment_transactions", json: """
                {"customerIdentifier":{"loyaltyCustomerId":"\(customer)"},"amount":-15}
                """, headers: basic).status == .ok)

            let adjusted = try await api.send(.post, "/enterprise/loyalty/adjustment_transactions", json: """
                {"customerIdentifier":{"loyaltyCustomerId":"\(customer)"},"amount":-4,"notificationText":"Oops"}
                """, headers: basic)
            #expect(adjusted.text == #"{"loyaltyCustomer":{"points":{"balance":6}}}"#)
            let overdraft = try await api.send(.post, "/enterprise/loyalty/adjustment_transactions", json: """
                {"customerIdentifier":{"loyaltyCustomerId":"\(customer)"},"amount":-7}
                """, headers: basic)
            #expect(overdraft.status == .unprocessableContent)
            #expect(try await api.available(customer) == 6)
        }
    }

    @Test func storefrontDetailsEnrolmentRulesTriggerTransactionsAndSpend() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "shopper@example.com")
            let token = try await api.storefrontToken(customer)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=event&earningRule[name]=Welcome&earningRule[active]=1&earningRule[eventName]=oloy.account.created&earningRule[pointsAmount]=50
                """).status == .ok)
            let social = try #require(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Instagram&earningRule[active]=1&earningRule[eventName]=instagram_follow\
                &earningRule[pointsAmount]=5&earningRule[limit][active]=1&earningRule[limit][period]=forever&earningRule[limit][limit]=1
                """).object()["earningRuleId"] as? String)
            let storeID = try await api.storeID()
            let anonymous = try await api.send(.get, "/v1/stores/\(storeID)/loyalty/earning_rules").object()
            #expect((anonymous["earningRules"] as? [Any])?.count == 2)

            let before = try await api.send(.get, "/v1/loyalty/customer_details", token: token).object()
            #expect((before["loyaltyCustomer"] as? [String: Any])?["status"] as? String == "pending")
            #expect(try await api.send(.post, "/v1/loyalty/earning_rules/\(social)/trigger", token: token, json: "{}").status == .forbidden, "not enrolled yet")

            let enrolled = try await api.send(.post, "/v1/loyalty/customer_activation", token: token, json: #"{"enrollmentChannel":"partner-1","legalPoliciesVersionAccepted":"1"}"#)
            #expect(enrolled.status == .ok, "\(enrolled.text)")
            let loyalty = try #require(try enrolled.object()["loyaltyCustomer"] as? [String: Any])
            #expect(loyalty["status"] as? String == "enrolled")
            #expect(number((loyalty["points"] as? [String: Any])?["balance"]) == "50")
            #expect(try await api.send(.post, "/v1/loyalty/customer_activation", token: token, json: #"{"enrollmentChannel":"partner-1"}"#).status == .ok)
            #expect(try await api.available(customer) == 50, "sign-up points once")

            let triggered = try await api.send(.post, "/v1/loyalty/earning_rules/\(social)/trigger", token: token, json: "{}")
            #expect(triggered.text == #"{"pointsEarned":5}"#)
            #expect(try await api.send(.post, "/v1/loyalty/earning_rules/\(social)/trigger", token: token, json: "{}").status == .badRequest)
            let rules = try #require(try await api.send(.get, "/v1/loyalty/earning_rules", token: token).object()["earningRules"] as? [[String: Any]])
            #expect(rules.first { $0["earningRuleId"] as? String == social }?["isCompleted"] as? Bool == true)

            let page = try await api.send(.get, "/v1/loyalty/transactions?limit=1", token: token).object()
            #expect((page["transactions"] as? [[String: Any]])?.count == 1)
            let next = try #require(page["nextUrl"] as? String)
            let second = try await api.send(.get, next, token: token).object()
            #expect(number((second["transactions"] as? [[String: Any]])?.first?["amount"]) == "50")
            #expect(second["nextUrl"] is NSNull || second["nextUrl"] == nil)

            let spend = try await api.send(.get, "/v1/loyalty/customer_spend", token: token).object()
            #expect(number(spend["customerSpend"]) == "0")
        }
    }
}

@Suite("Storefront customer details view (okendo A27)")
struct StorefrontViewTests {
    @Test func theViewShowsBalanceStatusAndTier() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            try await api.add("12.5", to: customer)
            let row = try #require(try await api.pool.query("""
                SELECT balance::text AS balance, status FROM ledger.storefront_customer_details WHERE customer_id = \(customer)
                """).firstRow)
            #expect(try row.decode(String.self, "balance") == "12.50")
            #expect(try row.decode(String.self, "status") == "pending")
        }
    }
}
