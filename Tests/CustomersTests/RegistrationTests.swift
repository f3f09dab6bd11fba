import Auth
import Customers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Customer registration (C11, C33, C36, X-02)")
struct RegistrationTests {
    static let emptyForm = #"{"form":{"children":{"firstName":{},"lastName":{},"gender":{},"email":{},"phone":{},"birthDate":{},"createdAt":{},"address":{"children":{"street":{},"address1":{},"address2":{},"postal":{},"city":{},"province":{},"country":{}}},"company":{"children":{"name":{},"nip":{}}},"loyaltyCardNumber":{},"agreement1":{},"agreement2":{},"agreement3":{},"levelId":{},"posId":{},"sellerId":{}}},"errors":[]}"#

    @Test("A registration sent again with the same Idempotency-Key replays the first answer and registers once; another body is 422")
    func idempotentRegistration() async throws {
        try await CustomersAPI.run { api in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "reg-1"]
            let form = "customer[firstName]=Ida&customer[lastName]=Potent&customer[email]=ida@example.com&customer[agreement1]=1"
            let first = try await api.send(.post, "/api/DEFAULT/customer/register", master: true, form: form, headers: key)
            let again = try await api.send(.post, "/api/DEFAULT/customer/register", master: true, form: form, headers: key)
            #expect(first.status == .ok && again.text == first.text, "\(again.text)")
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await api.pool.query("SELECT count(*) FROM customers.customers WHERE email = 'ida@example.com'").scalar(Int.self) == 1)
            let other = try await api.send(.post, "/api/DEFAULT/customer/register", master: true, form: form + "&customer[phone]=%2B48111222333", headers: key)
            #expect(other.status == .unprocessableContent)
        }
    }

    @Test func adminRegistersWithABracketForm() async throws {
        try await CustomersAPI.run { api in
            let form = "customer[firstName]=John&customer[lastName]=Doe&customer[email]=john@example.com&customer[gender]=male"
                + "&customer[phone]=%2B48234234000&customer[birthDate]=1990-09-11&customer[address][street]=Bagno"
                + "&customer[address][city]=Warsaw&customer[company][name]=Acme&customer[company][nip]=111-222-33-44"
                + "&customer[loyaltyCardNumber]=0001&customer[labels]=size:xl;vip:yes&customer[agreement1]=1&customer[agreement2]=0"
            let response = try await api.admin(.post, "/api/DEFAULT/customer/register", form: form)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.object()
            #expect(body["email"] as? String == "john@example.com")
            let id = try #require((body["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            #expect(Set(body.keys) == ["customerId", "email"])

            let customer = try await api.details(id)
            #expect(customer["customerId"] as? String == id.text)
            #expect(customer["id"] as? String == id.text)
            #expect(customer["firstName"] as? String == "John")
            #expect(customer["lastName"] as? String == "Doe")
            #expect(customer["gender"] as? String == "male")
            #expect(customer["phone"] as? String == "+48234234000")
            #expect(customer["loyaltyCardNumber"] as? String == "0001")
            #expect(customer["active"] as? Bool == true)
            #expect(customer["agreement1"] as? Bool == true)
            #expect(customer["agreement2"] as? Bool == false)
            #expect((customer["birthDate"] as? String)?.hasPrefix("1990-09-11T") == true)
            let status = try #require(customer["status"] as? [String: Any])
            #expect(status["type"] as? String == "active")
            #expect(status["state"] as? String == "no-card")
            #expect(status["availableTypes"] as? [String] == ["new", "active", "blocked", "deleted"])
            let address = try #require(customer["address"] as? [String: Any])
            #expect(address["street"] as? String == "Bagno" && address["city"] as? String == "Warsaw")
            #expect((customer["company"] as? [String: String]) == ["name": "Acme", "nip": "111-222-33-44"])
            #expect((customer["labels"] as? [[String: String]]) == [["key": "size", "value": "xl"], ["key": "vip", "value": "yes"]])
            #expect(customer["currency"] as? String == "eur")

            let credential = try await CustomerCredentials.find(on: api.pool, storeID: try await api.storeID(), customerID: id)
            #expect(credential?.email == "john@example.com")
            #expect(credential?.phone == "+48234234000")
            #expect(credential?.loyaltyCardNumber == "0001")
            #expect(credential?.active == true)
            #expect(try await api.events(of: id).prefix(2) == ["CustomerWasRegistered", "CustomerWasActivated"])
        }
    }

    @Test func adminRegistersWithJSON() async throws {
        try await CustomersAPI.run { api in
            let json = #"{"customer":{"firstName":"Ann","lastName":"Lee","email":"ann@example.com","agreement1":true,"address":{"city":"Oslo"}}}"#
            let response = try await api.send(.post, "/api/DEFAULT/admin/customer/register", master: true, json: json)
            #expect(response.status == .ok, "\(response.text)")
            let id = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let customer = try await api.details(id)
            #expect(customer["email"] as? String == "ann@example.com")
            #expect((customer["address"] as? [String: Any])?["city"] as? String == "Oslo")
        }
    }

    @Test func emptyPostListsEveryField() async throws {
        try await CustomersAPI.run { api in
            let response = try await api.admin(.post, "/api/DEFAULT/customer/register")
            #expect(response.status == .badRequest)
            #expect(response.text == Self.emptyForm)
        }
    }

    @Test func requiredFieldsAndInvalidValues() async throws {
        try await CustomersAPI.run { api in
            let response = try await api.admin(.post, "/api/DEFAULT/customer/register", form: "customer[phone]=abc&customer[gender]=x")
            #expect(response.status == .badRequest)
            let children = try #require((try response.object()["form"] as? [String: Any])?["children"] as? [String: Any])
            func errors(_ field: String) -> [String]? { (children[field] as? [String: Any])?["errors"] as? [String] }
            #expect(errors("firstName") == ["This value should not be blank."])
            #expect(errors("lastName") == ["This value should not be blank."])
            #expect(errors("email") == ["This value should not be blank."])
            #expect(errors("agreement1") == ["This value should not be blank."])
            #expect(errors("phone") == ["This value is not a valid phone number."])
            #expect(errors("gender") == ["This value is not valid."])
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 0)
        }
    }

    @Test func identifiersAreUniqueWithinAStore() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "taken@example.com", extra: "&customer[phone]=%2B48111222333&customer[loyaltyCardNumber]=CARD1")
            for (field, value) in [("email", "TAKEN@example.com"), ("phone", "%2B48111222333"), ("loyaltyCardNumber", "CARD1")] {
                var form = "customer[firstName]=A&customer[lastName]=B&customer[agreement1]=1"
                if field != "email" { form += "&customer[email]=other-\(field)@example.com" }
                form += "&customer[\(field)]=\(value)"
                let response = try await api.admin(.post, "/api/DEFAULT/customer/register", form: form)
                #expect(response.status == .badRequest)
                let expected = Self.emptyForm.replacingOccurrences(
                    of: "\"\(field)\":{}", with: "\"\(field)\":{\"errors\":[\"This value is already used.\"]}"
                )
                #expect(response.text == expected)
            }
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 1)

            // Another store may use the same identifiers.
            try await api.createStore("OTHER")
            try await api.register(email: "taken@example.com", extra: "&customer[phone]=%2B48111222333&customer[loyaltyCardNumber]=CARD1", store: "OTHER")
        }
    }

    @Test func aRefusedRegistrationLeavesNothingBehind() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "first@example.com", extra: "&customer[loyaltyCardNumber]=CARD9")
            let before = try await api.count("SELECT count(*) FROM suite.events")
            // Valid form, but a clashing card and an unknown level: refused after reading the database.
            let form = "customer[firstName]=A&customer[lastName]=B&customer[agreement1]=1&customer[email]=second@example.com"
                + "&customer[loyaltyCardNumber]=CARD9&customer[levelId]=\(UUID().text)"
            let response = try await api.admin(.post, "/api/DEFAULT/customer/register", form: form)
            #expect(response.status == .badRequest, "\(response.text)")
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 1)
            #expect(try await api.count("SELECT count(*) FROM auth.customer_credentials") == 1)
            #expect(try await api.count("SELECT count(*) FROM suite.events") == before)
        }
    }

    @Test func concurrentRegistrationsWithOneEmailMakeOneCustomer() async throws {
        try await CustomersAPI.run { api in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await api.admin(
                            .post, "/api/DEFAULT/admin/customer/register",
                            form: "customer[firstName]=N\(index)&customer[lastName]=L&customer[email]=race@example.com&customer[agreement1]=1"
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .badRequest }.count == 49)
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 1)
            #expect(try await api.count("SELECT count(*) FROM auth.customer_credentials") == 1)
            #expect(try await api.count("SELECT count(*) FROM suite.events WHERE type = 'CustomerWasRegistered'") == 1)
        }
    }

    @Test func sellerRegistersAndBecomesTheCustomersSeller() async throws {
        try await CustomersAPI.run { api in
            let seller = try await api.sellerToken()
            let form = "customer[firstName]=S&customer[lastName]=T&customer[email]=bys@example.com&customer[agreement1]=1"
            let response = try await api.send(.post, "/api/DEFAULT/seller/customer/register", token: seller.token, form: form)
            #expect(response.status == .ok, "\(response.text)")
            let id = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let seller_id = try await api.pool.query("SELECT seller_id FROM customers.customers WHERE id = \(id)").scalar(UUID?.self)
            #expect(seller_id == seller.id)
            #expect(try await api.details(id)["active"] as? Bool == true)
            // C11 with a seller token works too; a customer token does not.
            let again = try await api.send(.post, "/api/DEFAULT/customer/register", token: seller.token, form: form.replacingOccurrences(of: "bys@", with: "bys2@"))
            #expect(again.status == .ok, "\(again.text)")
            let customerToken = try await api.customerToken(id)
            let refused = try await api.send(.post, "/api/DEFAULT/customer/register", token: customerToken, form: form)
            #expect(refused.status == .forbidden)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/register", form: form).status == .unauthorized)
        }
    }

    @Test func selfRegistrationNeedsAPasswordAndActivation() async throws {
        try await CustomersAPI.run { api in
            let base = "customer[firstName]=Me&customer[lastName]=Self&customer[email]=me@example.com&customer[agreement1]=1"
            let missing = try await api.send(.post, "/api/DEFAULT/customer/self_register", form: base)
            #expect(missing.status == .badRequest)
            #expect(missing.text.contains(#""plainPassword":{"errors":["This value should not be blank."]}"#), "\(missing.text)")

            let response = try await api.send(.post, "/api/DEFAULT/customer/self_register", form: base + "&customer[plainPassword]=Secret1!x")
            #expect(response.status == .ok, "\(response.text)")
            let id = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let customer = try await api.details(id)
            #expect(customer["active"] as? Bool == false)
            #expect((customer["status"] as? [String: Any])?["type"] as? String == "new")
            let storeID = try await api.storeID()
            #expect(try await CustomerCredentials.verifyPassword(on: api.pool, storeID: storeID, customerID: id, password: "Secret1!x"))

            // C08: the token of the activation e-mail activates the account, once.
            let token = try await api.pool.query("SELECT activation_token FROM customers.customers WHERE id = \(id)").scalar(String.self)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/activate/\(token)").status == .ok)
            #expect(try await api.details(id)["active"] as? Bool == true)
            #expect(try await CustomerCredentials.find(on: api.pool, storeID: storeID, customerID: id)?.active == true)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/activate/\(token)").status == .notFound)
        }
    }
}
