import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Log-in: admins, customers, sellers, storefront")
struct LoginTests {
    static let badCredentials = #"{"code":401,"message":"Bad credentials"}"#
    static let disabled = #"{"code":401,"message":"Account is disabled."}"#

    @Test func adminLogsInWithJSONOrFormAndGetsAnRS256TokenWithTheDocumentedClaims() async throws {
        try await AuthAPI.run { api in
            let json = try await api.send(.post, "/api/admin/login_check", json: #"{"_username":"admin","_password":"open"}"#)
            #expect(json.status == .ok)
            let pair = try json.object()
            #expect(Set(pair.keys) == ["token", "refresh_token"])
            let token = try #require(pair["token"] as? String)
            let refresh = try #require(pair["refresh_token"] as? String)
            #expect(refresh.count == 128 && refresh.allSatisfy(\.isHexDigit))
            #expect(try header(of: token)["alg"] as? String == "RS256")
            let claims = try claims(of: token)
            #expect(claims["sub"] as? String == AuthAPI.adminID)
            #expect(claims["type"] as? String == "admin")
            #expect(claims["store"] == nil)
            #expect(claims["roles"] as? [String] == ["ROLE_ADMIN"])
            let issued = try #require(claims["iat"] as? Double), expires = try #require(claims["exp"] as? Double)
            #expect(expires - issued == 3600)
            #expect((claims["jti"] as? String)?.isEmpty == false)

            let form = try await api.send(.post, "/api/admin/login_check", form: "_username=admin&_password=open")
            #expect(form.status == .ok)
            let viaEmail = try await api.send(.post, "/api/admin/login_check", json: #"{"_username":"ADMIN@example.com","_password":"open"}"#)
            #expect(viaEmail.status == .ok)

            let me = try await api.send(.get, "/api/admin/data/\(AuthAPI.adminID)", token: token)
            #expect(me.status == .ok)
        }
    }

    @Test func wrongPasswordsUnknownUsersAndInactiveAdminsGet401AndAreAudited() async throws {
        try await AuthAPI.run { api in
            for body in [#"{"_username":"admin","_password":"nope"}"#, #"{"_username":"ghost","_password":"open"}"#, #"{}"#] {
                let response = try await api.send(.post, "/api/admin/login_check", json: body, ip: "172.22.0.1")
                #expect(response.status == .unauthorized)
                #expect(response.text == Self.badCredentials)
            }
            let limited = try await api.adminWithRole(nil, email: "gone@example.com")
            let deactivate = try await api.asMaster(.put, "/api/admin/data/\(limited.id)", form: "admin[email]=gone@example.com&admin[isActive]=0")
            #expect(deactivate.status == .ok)
            let inactive = try await api.send(.post, "/api/admin/login_check", json: #"{"_username":"gone@example.com","_password":"Passw0rd!"}"#)
            #expect(inactive.status == .unauthorized)
            #expect(inactive.text == Self.disabled)

            let rows = try await api.pool.query("""
                SELECT event_type, username, user_id, user_type, entity_type, entity_id, ip FROM auth.audit_log
                WHERE event_type LIKE 'Authentication%' ORDER BY created_at
                """)
            let failures = rows.filter { (try? $0.decode(String.self, "event_type")) == "AuthenticationFailure" }
            #expect(failures.count == 4)
            let first = try #require(failures.first)
            #expect(try first.decode(String.self, "username") == "")
            #expect(try first.decode(String.self, "user_id") == "")
            #expect(try first.decode(String.self, "user_type") == "admin")
            #expect(try first.decode(String.self, "entity_type") == "user")
            #expect(try first.decode(String.self, "ip") == "172.22.0.1")
            let success = try #require(rows.first { (try? $0.decode(String.self, "event_type")) == "AuthenticationSuccess" })
            #expect(try success.decode(String.self, "user_type") == "admin")
        }
    }

    @Test func customersLogInWithEmailCardOrPhoneOfTheirOwnStore() async throws {
        try await AuthAPI.run { api in
            _ = try await api.createStore(code: "B")
            let customer = try await api.registerCustomer(email: "Jane@Example.com", phone: "+48123456789", card: "CARD-1")
            try await api.registerCustomer(store: "B", email: "other@example.com")
            for username in ["jane@example.com", "CARD-1", "+48123456789"] {
                let pair = try await api.logIn("/api/DEFAULT/customer/login_check", username: username, password: "Secret1!")
                let claims = try claims(of: pair.token)
                #expect(claims["sub"] as? String == customer.uuidString.lowercased())
                #expect(claims["type"] as? String == "customer")
                #expect(claims["store"] as? String == "DEFAULT")
                #expect(claims["roles"] as? [String] == ["ROLE_PARTICIPANT"])
            }
            let elsewhere = try await api.send(.post, "/api/B/customer/login_check", form: "_username=jane@example.com&_password=Secret1!")
            #expect(elsewhere.status == .unauthorized)
            #expect(elsewhere.text == Self.badCredentials)
            let unknownStore = try await api.send(.post, "/api/NOPE/customer/login_check", form: "_username=jane@example.com&_password=Secret1!")
            #expect(unknownStore.status == .notFound)

            try await CustomerCredentials.deactivate(on: api.pool, storeID: try await api.storeID("DEFAULT"), customerID: customer)
            let inactive = try await api.send(.post, "/api/DEFAULT/customer/login_check", json: #"{"_username":"CARD-1","_password":"Secret1!"}"#)
            #expect(inactive.status == .unauthorized)
            #expect(inactive.text == Self.disabled)
        }
    }

    @Test func aCardNumberThatIsAnotherCustomersPhoneFindsTheOneWhosePasswordMatches() async throws {
        try await AuthAPI.run { api in
            let byCard = try await api.registerCustomer(email: "a@example.com", card: "555", password: "Card-pass1")
            let byPhone = try await api.registerCustomer(email: "b@example.com", phone: "555", password: "Phone-pass1")
            let card = try await api.logIn("/api/DEFAULT/customer/login_check", username: "555", password: "Card-pass1")
            #expect(try claims(of: card.token)["sub"] as? String == byCard.uuidString.lowercased())
            let phone = try await api.logIn("/api/DEFAULT/customer/login_check", username: "555", password: "Phone-pass1")
            #expect(try claims(of: phone.token)["sub"] as? String == byPhone.uuidString.lowercased())
        }
    }

    @Test func sellersLogInAtTheStoreScopedLoginCheck() async throws {
        try await AuthAPI.run { api in
            let seller = try await api.registerSeller(email: "pos@example.com")
            let pair = try await api.logIn("/api/DEFAULT/seller/login_check", username: "POS@example.com", password: "Secret1!")
            let claims = try claims(of: pair.token)
            #expect(claims["sub"] as? String == seller.uuidString.lowercased())
            #expect(claims["type"] as? String == "seller")
            #expect(claims["store"] as? String == "DEFAULT")
            #expect(claims["roles"] as? [String] == ["ROLE_SELLER"])
            let wrong = try await api.send(.post, "/api/DEFAULT/seller/login_check", form: "_username=pos@example.com&_password=nope")
            #expect(wrong.text == Self.badCredentials)
            try await SellerCredentials.deactivate(on: api.pool, storeID: try await api.storeID("DEFAULT"), sellerID: seller)
            let inactive = try await api.send(.post, "/api/DEFAULT/seller/login_check", form: "_username=pos@example.com&_password=Secret1!")
            #expect(inactive.status == .unauthorized)
            #expect(inactive.text == Self.disabled)
        }
    }

    @Test func storefrontLoginExchangesACustomerTokenOfTheSameStore() async throws {
        try await AuthAPI.run { api in
            let storeB = try await api.createStore(code: "B")
            let customer = try await api.registerCustomer(email: "shop@example.com")
            let customerToken = try await api.logIn("/api/DEFAULT/customer/login_check", username: "shop@example.com", password: "Secret1!").token
            let subscriber = try await api.storeID("DEFAULT").uuidString.lowercased()

            let response = try await api.send(.post, "/v1/stores/\(subscriber)/loyalty/login", json: #"{"customerAccessToken":"\#(customerToken)"}"#)
            #expect(response.status == .ok)
            let body = try response.object()
            #expect(response.text.hasSuffix(#","loyaltyCustomerDetails":{"balance":0,"status":"pending"}}"#))
            let jwt = try #require(body["jwt"] as? String)
            let claims = try claims(of: jwt)
            #expect(claims["type"] as? String == "storefront")
            #expect(claims["store"] as? String == "DEFAULT")
            #expect(claims["sub"] as? String == customer.uuidString.lowercased())
            let identity = try await api.runtime.tokens.identity(fromBearer: jwt)
            #expect(identity.kind == .storefront && identity.userID == customer)

            let otherStore = try await api.send(.post, "/v1/stores/\(storeB.uuidString.lowercased())/loyalty/login", json: #"{"customerAccessToken":"\#(customerToken)"}"#)
            #expect(otherStore.status == .unauthorized)
            #expect(otherStore.text == #"{"code":401,"message":"Invalid customer access token"}"#)
            let adminToken = try await api.adminToken()
            let notACustomer = try await api.send(.post, "/v1/stores/\(subscriber)/loyalty/login", json: #"{"customerAccessToken":"\#(adminToken)"}"#)
            #expect(notACustomer.status == .unauthorized)
            let missing = try await api.send(.post, "/v1/stores/\(subscriber)/loyalty/login", json: "{}")
            #expect(missing.status == .badRequest)
            #expect(missing.text == #"{"error":{"code":400,"message":"customerAccessToken should not be blank"}}"#)
            let unknownStore = try await api.send(.post, "/v1/stores/\(UUID())/loyalty/login", json: #"{"customerAccessToken":"\#(customerToken)"}"#)
            #expect(unknownStore.status == .notFound)
        }
    }

    @Test func aCustomerLogInAppendsTheEventTheLedgerPaysLogInPointsOn() async throws {
        try await AuthAPI.run { api in
            let customer = try await api.registerCustomer(email: "back@example.com")
            _ = try await api.logIn("/api/DEFAULT/customer/login_check", username: "back@example.com", password: "Secret1!")
            let wrong = try await api.send(.post, "/api/DEFAULT/customer/login_check", json: #"{"_username":"back@example.com","_password":"nope"}"#)
            #expect(wrong.status == .unauthorized)
            let rows = try await api.pool.query("SELECT aggregate_id, payload FROM suite.events WHERE type = 'CustomerLoggedIn'")
            #expect(rows.count == 1, "a failed log-in appends nothing")
            #expect(try rows.firstRow?.decode(String.self, "aggregate_id") == customer.uuidString.lowercased())
            #expect(try rows.firstRow?.decode(JSONB.self, "payload").text == #"{"customerId": "\#(customer.uuidString.lowercased())"}"#)
        }
    }

    @Test func storefrontDetailsComeFromTheViewTheLedgerPublishes() async throws {
        try await AuthAPI.run { api in
            let customer = try await api.registerCustomer(email: "vip@example.com")
            let store = try await api.storeID("DEFAULT")
            // The ledger publishes the view (ledger migration 0009): an enrolled customer with 150.5 points at level "gold".
            let level = UUID()
            try await api.pool.execute("""
                INSERT INTO customers.levels (store_id, id, name, active, condition_value, reward_name, reward_percent, reward_code)
                VALUES (\(store), \(level), 'gold', true, 0, 'r', 5, 'G')
                """)
            try await api.pool.execute("""
                INSERT INTO customers.customers (store_id, id, status, email, level_id, enrolled_at)
                VALUES (\(store), \(customer), 'active', 'vip@example.com', \(level), now())
                """)
            try await api.pool.execute("INSERT INTO ledger.accounts (store_id, customer_id, available) VALUES (\(store), \(customer), 150.5)")
            let token = try await api.logIn("/api/DEFAULT/customer/login_check", username: "vip@example.com", password: "Secret1!").token
            let response = try await api.send(.post, "/v1/stores/\(store.uuidString.lowercased())/loyalty/login", form: "customerAccessToken=\(token)")
            #expect(response.text.hasSuffix(#","loyaltyCustomerDetails":{"balance":150.5,"status":"enrolled","vipTierId":"\#(level.uuidString.lowercased())"}}"#))
        }
    }
}
