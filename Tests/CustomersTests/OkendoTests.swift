import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

extension CustomersAPI {
    /// Merchant API credentials of the store, as HTTP Basic headers.
    func merchantHeaders(store: String = "DEFAULT") async throws -> HTTPFields {
        let user = "merchant-\(UUID().uuidString.prefix(8))", key = "key-\(UUID().uuidString)"
        try await pool.execute("""
            INSERT INTO auth.merchant_credentials (store_id, user_id, api_key_hash) VALUES (\(try await storeID(store)), \(user), \(Secrets.sha256Hex(key)))
            """)
        return [.authorization: "Basic " + Data("\(user):\(key)".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    func merchant(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, json: String? = nil) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
    }
}

@Suite("Okendo customer endpoints (M9–M13, S4, S5, S11)")
struct OkendoTests {
    @Test func lookupDetailsProfilesActivities() async throws {
        try await CustomersAPI.run { api in
            let headers = try await api.merchantHeaders()
            let id = try await api.register(email: "jane@example.com", firstName: "Jane", lastName: "Smith",
                                            extra: "&customer[address][country]=AU&customer[address][province]=NSW")
            let lookup = try await api.merchant(.post, "/enterprise/customer_lookup", headers: headers, json: #"{"email":"JANE@example.com"}"#)
            #expect(lookup.text == #"{"customerId":"\#(id.text)"}"#)
            #expect(try await api.merchant(.post, "/enterprise/customer_lookup", headers: headers, json: #"{"email":"no@example.com"}"#).status == .notFound)
            #expect(try await api.merchant(.post, "/enterprise/customer_lookup", headers: [:], json: #"{"email":"jane@example.com"}"#).status == .unauthorized)

            let details = try await api.merchant(.get, "/enterprise/customers/\(id.text)", headers: headers).object()
            #expect(details["givenName"] as? String == "Jane" && details["familyName"] as? String == "Smith" && details["email"] as? String == "jane@example.com")
            #expect((details["location"] as? [String: String]) == ["country": "Australia", "zoneCode": "NSW"])
            let first = try #require(details["dateFirstActive"] as? String)
            #expect(first.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "\(first)")

            let profiles = try await api.merchant(.get, "/enterprise/customers/\(id.text)/profiles", headers: headers).object()
            let profile = try #require((profiles["profiles"] as? [[String: Any]])?.first)
            #expect(profile["namespace"] as? String == "okendo-general")
            let given = (profile["properties"] as? [[String: Any]])?.first { $0["name"] as? String == "Given Name" }
            #expect(given?["value"] as? String == "Jane" && given?["valueType"] as? String == "string")
            // The profile names the country as M11 does, and carries the province.
            let properties = Dictionary(uniqueKeysWithValues: ((profile["properties"] as? [[String: Any]]) ?? []).compactMap { property in
                (property["name"] as? String).map { ($0, property["value"] as? String) }
            })
            #expect(properties["Country"] == "Australia" && properties["Province"] == "NSW")
            #expect(((profile["properties"] as? [[String: Any]]) ?? []).allSatisfy { ($0["date"] as? String)?.hasSuffix("Z") == true })
            #expect(try await api.merchant(.get, "/enterprise/customers/\(id.text)/profiles?limit=0", headers: headers).status == .badRequest)

            try await api.admin(.post, "/api/DEFAULT/admin/customer/\(id.text)/deactivate")
            let page = try await api.merchant(.get, "/enterprise/customers/\(id.text)/activities?limit=2", headers: headers).object()
            let titles = (page["activities"] as? [[String: Any]])?.compactMap { $0["title"] as? String }
            #expect(titles == ["Customer Was Deactivated", "Customer Was Activated"])
            let next = try #require(page["nextUrl"] as? String)
            let rest = try await api.merchant(.get, next, headers: headers).object()
            #expect((rest["activities"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Customer Was Registered"])
            #expect(rest["nextUrl"] == nil)

            // Another store's credentials do not see the customer.
            try await api.createStore("OTHER")
            let other = try await api.merchantHeaders(store: "OTHER")
            #expect(try await api.merchant(.get, "/enterprise/customers/\(id.text)", headers: other).status == .notFound)
        }
    }

    @Test func minimumVipTierIsAFloor() async throws {
        try await CustomersAPI.run { api in
            let headers = try await api.merchantHeaders()
            let bronze = try await api.createLevel("Bronze", condition: "0", percent: "1")
            let silver = try await api.createLevel("Silver", condition: "100", percent: "5")
            let gold = try await api.createLevel("Gold", condition: "500", percent: "10")
            let id = try await api.register(email: "tier@example.com")
            let set = try await api.merchant(.post, "/enterprise/loyalty/customer_minimum_vip_tiers", headers: headers,
                json: #"{"customerIdentifier":{"email":"tier@example.com"},"minimumVipTierName":"Silver"}"#)
            #expect(set.text == #"{"minimumVipTierName":"Silver","vipTierName":"Silver"}"#)
            #expect(try await api.levelID(of: id) == silver)

            try await api.pool.execute("UPDATE customers.customers SET level_id = \(gold) WHERE id = \(id)")
            let keep = try await api.merchant(.post, "/enterprise/loyalty/customer_minimum_vip_tiers", headers: headers,
                json: #"{"customerIdentifier":{"loyaltyCustomerId":"\#(id.text)"},"minimumVipTierName":"Silver"}"#)
            #expect(keep.text == #"{"minimumVipTierName":"Silver","vipTierName":"Gold"}"#)

            let cleared = try await api.merchant(.post, "/enterprise/loyalty/customer_minimum_vip_tiers", headers: headers,
                json: #"{"customerIdentifier":{"loyaltyCustomerId":"\#(id.text)"},"minimumVipTierName":null}"#)
            #expect(cleared.text == #"{"minimumVipTierName":null,"vipTierName":"Bronze"}"#)
            #expect(try await api.levelID(of: id) == bronze)

            let unknown = try await api.merchant(.post, "/enterprise/loyalty/customer_minimum_vip_tiers", headers: headers,
                json: #"{"customerIdentifier":{"loyaltyCustomerId":"\#(id.text)"},"minimumVipTierName":"Platinum"}"#)
            #expect(unknown.status == .unprocessableContent)
            let missing = try await api.merchant(.post, "/enterprise/loyalty/customer_minimum_vip_tiers", headers: headers,
                json: #"{"customerIdentifier":{"loyaltyCustomerId":"\#(id.text)"}}"#)
            #expect(missing.status == .badRequest)
            let nobody = try await api.merchant(.post, "/enterprise/loyalty/customer_minimum_vip_tiers", headers: headers,
                json: #"{"customerIdentifier":{"email":"nobody@example.com"},"minimumVipTierName":"Gold"}"#)
            #expect(nobody.status == .notFound)
        }
    }

    @Test func storefrontTextsAndBirthday() async throws {
        try await CustomersAPI.run { api in
            let storeID = try await api.storeID()
            try await api.setSettings("""
                {"faqItems":[{"question":"How?","answer":"Like this."}],"privacyPolicyUrl":"https://shop.example/privacy",
                 "termsAndConditionsUrl":"https://shop.example/terms","legalPoliciesVersion":"2.1.0"}
                """)
            let faq = try await api.send(.get, "/v1/stores/\(storeID.text)/loyalty/faq")
            #expect(faq.text == #"{"faqItems":[{"answer":"Like this.","question":"How?"}]}"#)
            let legal = try await api.send(.get, "/v1/stores/\(storeID.text)/loyalty/legal_policies").object()
            #expect(legal["version"] as? String == "2.1.0" && legal["acceptTermsAndJoinProgramButtonText"] as? String == "Join & Agree")
            let sentence = try #require(legal["policySentence"] as? [String: String])
            #expect(sentence["template"] == "By joining you agree to our {{ termsAndConditions }} and {{ privacyPolicy }}.")
            #expect(sentence["html"] == #"By joining you agree to our <a href="https://shop.example/terms" target="_blank">Terms and Conditions</a> and <a href="https://shop.example/privacy" target="_blank">Privacy Policy</a>."#)
            #expect(try await api.send(.get, "/v1/stores/\(UUID().text)/loyalty/faq").status == .notFound)

            let id = try await api.register(email: "bday@example.com", extra: "&customer[birthDate]=1990-09-11")
            let token = try await TestTokens.token(.storefront, userID: id, store: "DEFAULT")
            let ok = try await api.send(.put, "/v1/loyalty/customer_birthday", token: token, json: #"{"day":29,"month":2}"#)
            #expect(ok.status == .noContent, "\(ok.text)")
            let row = try #require(try await api.pool.query("SELECT birthday_day, birthday_month, birth_date FROM customers.customers WHERE id = \(id)").firstRow)
            #expect(try row.decode(Int.self, "birthday_day") == 29 && row.decode(Int.self, "birthday_month") == 2)
            #expect(try row.decode(LocalDate?.self, "birth_date") == nil)
            #expect(try await api.send(.put, "/v1/loyalty/customer_birthday", token: token, json: #"{"day":31,"month":4}"#).status == .badRequest)
            #expect(try await api.send(.put, "/v1/loyalty/customer_birthday", json: #"{"day":1,"month":4}"#).status == .unauthorized)
        }
    }
}
