import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("SMS activation, anonymization, POS search (C07, C09, C27, C28, C29, C34)")
struct ActivationCodeTests {
    func smsCode(_ api: CustomersAPI, _ id: UUID) async throws -> String? {
        try await api.pool.query("SELECT sms_code FROM customers.customers WHERE id = \(id)").scalar(String?.self)
    }

    @Test func smsActivation() async throws {
        try await CustomersAPI.run { api in
            try await api.setSettings(#"{"accountActivationMethod":"sms"}"#)
            let form = "customer[firstName]=S&customer[lastName]=M&customer[email]=sms@example.com&customer[agreement1]=1&customer[plainPassword]=Secret1!x"
            let noPhone = try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form)
            #expect(noPhone.status == .badRequest)
            #expect(noPhone.text.contains(#""phone":{"errors":["This value should not be blank."]}"#), "\(noPhone.text)")

            let response = try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form + "&customer[phone]=%2B48600700800")
            #expect(response.status == .ok, "\(response.text)")
            let id = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let first = try #require(try await smsCode(api, id))

            // Admin, seller and the public re-send issue a new code; the old one stops working.
            #expect(try await api.admin(.post, "/api/DEFAULT/admin/customer/\(id.text)/send-sms-code").status == .ok)
            let second = try #require(try await smsCode(api, id))
            let seller = try await api.sellerToken()
            #expect(try await api.send(.post, "/api/DEFAULT/seller/customer/\(id.text)/send-sms-code", token: seller.token).status == .ok)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/customer-phone/send-sms-code", form: "phone=%2B48600700800").status == .ok)
            let latest = try #require(try await smsCode(api, id))
            let unknown = try await api.send(.post, "/api/DEFAULT/customer/customer-phone/send-sms-code", form: "phone=%2B48000000001")
            #expect(unknown.status == .badRequest)
            #expect(unknown.text == #"{"error":{"code":400,"message":"No customer waiting for activation has this phone number"}}"#)
            if first != latest { #expect(try await api.send(.post, "/api/DEFAULT/customer/activate-sms/\(first)").status == .notFound) }
            _ = second

            #expect(try await api.events(of: id).filter { $0 == "CustomerActivationCodeWasSent" }.count == 3)
            let activated = try await api.send(.post, "/api/DEFAULT/customer/activate-sms/\(latest)")
            #expect(activated.status == .noContent)
            #expect(try await api.details(id)["active"] as? Bool == true)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/activate-sms/\(latest)").status == .notFound)
        }
    }

    @Test func anonymizationWipesPersonalData() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(
                email: "anon@example.com", extra: "&customer[phone]=%2B48111000222&customer[loyaltyCardNumber]=AN-1&customer[address][city]=Oslo&customer[birthDate]=1980-01-01"
            )
            let response = try await api.admin(.post, "/api/DEFAULT/admin/customer/\(id.text)/anonymize")
            #expect(response.status == .noContent)
            let customer = try await api.details(id)
            #expect(customer["firstName"] as? String == "Anonymous")
            #expect(customer["phone"] == nil && customer["loyaltyCardNumber"] == nil && customer["address"] == nil && customer["birthDate"] == nil)
            #expect((customer["email"] as? String)?.hasSuffix("@anonymized.invalid") == true)
            #expect(customer["active"] as? Bool == false)
            let credential = try await CustomerCredentials.find(on: api.pool, storeID: try await api.storeID(), customerID: id)
            #expect(credential?.email == nil && credential?.phone == nil && credential?.active == false)
            #expect(try await api.events(of: id).last == "CustomerWasAnonymized")
            // Its identifiers are free again.
            try await api.register(email: "anon@example.com", extra: "&customer[phone]=%2B48111000222&customer[loyaltyCardNumber]=AN-1")
        }
    }

    @Test func posSearch() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "john@example.com", firstName: "John", lastName: "Doe", extra: "&customer[address][city]=Krakow&customer[address][postal]=30-001")
            try await api.register(email: "john1@example.com", firstName: "John1", lastName: "Doe1", extra: "&customer[loyaltyCardNumber]=777")
            try await api.register(email: "ann@example.com", firstName: "Ann", lastName: "Other")
            let seller = try await api.sellerToken()
            func search(_ form: String) async throws -> [String] {
                let response = try await api.send(.post, "/api/DEFAULT/pos/search/customer", token: seller.token, form: form)
                #expect(response.status == .ok, "\(response.text)")
                let body = try response.object()
                #expect(body["total"] == nil)
                return ((body["customers"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String }.sorted()
            }
            #expect(try await search("search[firstName]=John&search[lastName]=Doe") == ["john1@example.com", "john@example.com"])
            #expect(try await search("search[loyaltyCardNumber]=777") == ["john1@example.com"])
            #expect(try await search("search[loyaltyCardNumber]=77") == [])
            #expect(try await search("search[city]=krak") == ["john@example.com"])
            #expect(try await search("search[email]=ANN@example.com") == ["ann@example.com"])
            let item = try #require((try await api.send(.post, "/api/DEFAULT/pos/search/customer", token: seller.token, form: "search[email]=ann@example.com").object()["customers"] as? [[String: Any]])?.first)
            #expect(item["status"] != nil && item["labels"] != nil && item["campaignPurchases"] != nil)
        }
    }
}
