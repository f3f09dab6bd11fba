import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Customers library for other services")
struct LibraryTests {
    @Test func findsCustomersByEveryIdentifierInsideATransaction() async throws {
        try await CustomersAPI.run { api in
            let level = try await api.createLevel("Start", condition: "0")
            let id = try await api.register(email: "Lib@Example.com", extra: "&customer[phone]=%2B48700800900&customer[loyaltyCardNumber]=L-1&customer[labels]=a:b")
            let storeID = try await api.storeID()
            try await api.pool.transaction { tx in
                let byID = try #require(try await CustomersLibrary.customer(on: tx, storeID: storeID, id: id, lock: true))
                #expect(byID.email == "lib@example.com" || byID.email == "Lib@Example.com")
                #expect(byID.active && byID.status == "active")
                #expect(byID.levelID == level)
                #expect(byID.labels == [CustomerLabel(key: "a", value: "b")])
                #expect(try await CustomersLibrary.customer(on: tx, storeID: storeID, email: "lib@example.COM")?.id == id)
                #expect(try await CustomersLibrary.customer(on: tx, storeID: storeID, phone: "+48700800900")?.id == id)
                #expect(try await CustomersLibrary.customer(on: tx, storeID: storeID, loyaltyCardNumber: "L-1")?.id == id)
                #expect(try await CustomersLibrary.customer(on: tx, storeID: storeID, identifier: "L-1")?.id == id)
                #expect(try await CustomersLibrary.levelID(on: tx, storeID: storeID, customerID: id) == level)
                #expect(try await CustomersLibrary.level(on: tx, storeID: storeID, id: level)?.rewardPercent == Amount(10))
                #expect(try await CustomersLibrary.levels(on: tx, storeID: storeID).map(\.id) == [level])
                #expect(try await CustomersLibrary.segmentIDs(on: tx, storeID: storeID, customerID: id) == [])
            }
            try await api.createStore("OTHER")
            let other = try await api.storeID("OTHER")
            #expect(try await CustomersLibrary.customer(on: api.pool, storeID: other, id: id) == nil)
            #expect(try await CustomersLibrary.customer(on: api.pool, storeID: other, email: "lib@example.com") == nil)
            #expect(try await api.admin(.delete, "/api/DEFAULT/customer/\(id.text)").status == .noContent)
            #expect(try await CustomersLibrary.customer(on: api.pool, storeID: storeID, id: id) == nil)
        }
    }

    @Test func programSettingsAndIdentificationPriority() async throws {
        try await CustomersAPI.run { api in
            let storeID = try await api.storeID()
            var program = try await CustomersLibrary.programSettings(on: api.pool, storeID: storeID, storeCurrency: "EUR")
            #expect(program.currency == "eur" && program.returns && program.pointsExpiryMethod == "after_x_days" && program.pointsDaysActiveCount == 30)
            #expect(program.customersIdentificationPriority == ["email", "loyaltyCardNumber", "phone"])
            #expect(program.customerStatusesEarning == ["active"] && program.excludedLevelCategories == ["category_excluded_from_level"])
            let byMail = try await api.register(email: "mail@example.com")
            let byPhone = try await api.register(email: "phone@example.com", extra: "&customer[phone]=%2B48123000123")
            let found = try await CustomersLibrary.customer(
                on: api.pool, storeID: storeID, storeCurrency: "EUR", email: "mail@example.com", phone: "+48123000123", loyaltyCardNumber: nil
            )
            #expect(found?.id == byMail)
            try await api.setSettings(#"{"customersIdentificationPriority":[{"priority":1,"field":"phone"},{"priority":2,"field":"email"}],"returns":false}"#)
            program = try await CustomersLibrary.programSettings(on: api.pool, storeID: storeID, storeCurrency: "EUR")
            #expect(program.customersIdentificationPriority == ["phone", "email"] && !program.returns)
            let again = try await CustomersLibrary.customer(
                on: api.pool, storeID: storeID, storeCurrency: "EUR", email: "mail@example.com", phone: "+48123000123", loyaltyCardNumber: nil
            )
            #expect(again?.id == byPhone)
        }
    }
}
