import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Platform customer upsert (X-06)")
struct PlatformTests {
    @Test func createsThenUpdatesByExternalID() async throws {
        try await CustomersAPI.run { api in
            let created = try await api.admin(.put, "/api/DEFAULT/platform/customers/shop-42",
                form: "customer[firstName]=Pat&customer[lastName]=Shop&customer[email]=pat@shop.com")
            #expect(created.status == .created, "\(created.text)")
            let body = try created.object()
            #expect(body["externalId"] as? String == "shop-42" && body["created"] as? Bool == true)
            let id = try #require((body["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            #expect(try await api.details(id)["active"] as? Bool == true)

            let updated = try await api.send(.put, "/api/DEFAULT/platform/customers/shop-42", master: true, json: #"{"customer":{"lastName":"Renamed"}}"#)
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(updated.text == #"{"created":false,"customerId":"\#(id.text)","externalId":"shop-42"}"#)
            let customer = try await api.details(id)
            #expect(customer["lastName"] as? String == "Renamed" && customer["email"] as? String == "pat@shop.com")
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 1)
            let storeID = try await api.storeID()
            #expect(try await CustomersLibrary.customer(on: api.pool, storeID: storeID, externalID: "shop-42")?.id == id)
        }
    }

    @Test func refusesInvalidDataAndOtherCallers() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "taken@shop.com")
            let taken = try await api.admin(.put, "/api/DEFAULT/platform/customers/x1", form: "customer[firstName]=A&customer[lastName]=B&customer[email]=taken@shop.com")
            #expect(taken.status == .badRequest)
            #expect(taken.text.contains(#""email":{"errors":["This value is already used."]}"#), "\(taken.text)")
            let missing = try await api.admin(.put, "/api/DEFAULT/platform/customers/x1", form: "customer[firstName]=A")
            #expect(missing.status == .badRequest)
            let seller = try await api.sellerToken()
            #expect(try await api.send(.put, "/api/DEFAULT/platform/customers/x1", token: seller.token, form: "customer[firstName]=A").status == .forbidden)
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 1)
        }
    }

    @Test func concurrentUpsertsCreateOneCustomer() async throws {
        try await CustomersAPI.run { api in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await api.admin(.put, "/api/DEFAULT/platform/customers/same",
                            form: "customer[firstName]=N\(index)&customer[lastName]=L&customer[email]=same@shop.com").status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .ok }.count == 19)
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 1)
        }
    }
}
