import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Customer partial update (C13)")
struct UpdateTests {
    @Test func omittedFieldsStayAndEmptyFieldsAreCleared() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(
                email: "upd@example.com",
                extra: "&customer[phone]=%2B48123123123&customer[address][street]=Main&customer[address][city]=Rome&customer[gender]=female"
            )
            let response = try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[email]=&customer[loyaltyCardNumber]=000012")
            #expect(response.status == .ok)
            #expect(response.text == #"{"customerId":"\#(id.text)"}"#)
            var customer = try await api.details(id)
            #expect(customer["email"] == nil)
            #expect(customer["loyaltyCardNumber"] as? String == "000012")
            #expect(customer["phone"] as? String == "+48123123123")
            #expect(customer["gender"] as? String == "female")
            #expect(customer["firstName"] as? String == "John")
            let credential = try await CustomerCredentials.find(on: api.pool, storeID: try await api.storeID(), customerID: id)
            #expect(credential?.email == nil)
            #expect(credential?.loyaltyCardNumber == "000012")

            // The address is replaced as a whole.
            #expect(try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[address][city]=Paris").status == .ok)
            customer = try await api.details(id)
            #expect((customer["address"] as? [String: String]) == ["city": "Paris"])
            #expect(try await api.events(of: id).contains("CustomerDetailsWereUpdated"))
            #expect(try await api.events(of: id).contains("CustomerAddressWasUpdated"))
        }
    }

    @Test func jsonBodiesWorkToo() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "json@example.com")
            let response = try await api.send(
                .put, "/api/DEFAULT/customer/\(id.text)", master: true, json: #"{"customer":{"firstName":"Jane","agreement2":true}}"#
            )
            #expect(response.status == .ok, "\(response.text)")
            let customer = try await api.details(id)
            #expect(customer["firstName"] as? String == "Jane")
            #expect(customer["agreement2"] as? Bool == true)
            #expect(customer["lastName"] as? String == "Doe")
        }
    }

    @Test func invalidOrTakenValuesAreFormErrors() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "a@example.com", extra: "&customer[phone]=%2B48999888777")
            let id = try await api.register(email: "b@example.com")
            let phone = try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[phone]=%2B440000000")
            #expect(phone.status == .badRequest)
            #expect(phone.text.contains(#""phone":{"errors":["This value is not a valid phone number."]}"#), "\(phone.text)")
            #expect(phone.text.contains(#""loyaltyCardNumber":{},"labels":{},"agreement1":{}"#), "\(phone.text)")
            let taken = try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[email]=A@example.com")
            #expect(taken.status == .badRequest)
            #expect(taken.text.contains(#""email":{"errors":["This value is already used."]}"#), "\(taken.text)")
            let takenPhone = try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[phone]=%2B48999888777")
            #expect(takenPhone.text.contains(#""phone":{"errors":["This value is already used."]}"#), "\(takenPhone.text)")
            let company = try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[company][name]=Acme")
            #expect(company.status == .badRequest)
            #expect(company.text.contains(#""company":{"children":{"name":{},"nip":{"errors":["This value should not be blank."]}}}"#), "\(company.text)")
            let customer = try await api.details(id)
            #expect(customer["email"] as? String == "b@example.com")
            #expect(customer["phone"] == nil)
            #expect(customer["company"] == nil)
            // Refused updates left no event and no credential change behind.
            #expect(try await api.events(of: id) == ["CustomerWasRegistered", "CustomerWasActivated"])
            #expect(try await CustomerCredentials.find(on: api.pool, storeID: try await api.storeID(), customerID: id)?.email == "b@example.com")
        }
    }

    @Test func customersUpdateThemselvesOnly() async throws {
        try await CustomersAPI.run { api in
            let me = try await api.register(email: "self@example.com")
            let other = try await api.register(email: "notme@example.com")
            let token = try await api.customerToken(me)
            #expect(try await api.send(.put, "/api/DEFAULT/customer/\(me.text)", token: token, form: "customer[lastName]=Smith").status == .ok)
            #expect(try await api.details(me)["lastName"] as? String == "Smith")
            #expect(try await api.send(.put, "/api/DEFAULT/customer/\(other.text)", token: token, form: "customer[lastName]=X").status == .forbidden)
            #expect(try await api.details(other)["lastName"] as? String == "Doe")
        }
    }
}
