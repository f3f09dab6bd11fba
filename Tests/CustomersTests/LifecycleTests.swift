import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Customer activation, deactivation, deletion, details (C01, C02, C12, C31, C32, C37)")
struct LifecycleTests {
    @Test func adminDeactivatesAndActivates() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "life@example.com")
            let storeID = try await api.storeID()
            let off = try await api.admin(.post, "/api/DEFAULT/admin/customer/\(id.text)/deactivate")
            #expect(off.status == .ok)
            #expect(off.text == "")
            var customer = try await api.details(id)
            #expect(customer["active"] as? Bool == false)
            #expect((customer["status"] as? [String: Any])?["type"] as? String == "blocked")
            #expect(try await CustomerCredentials.find(on: api.pool, storeID: storeID, customerID: id)?.active == false)

            let on = try await api.admin(.post, "/api/DEFAULT/admin/customer/\(id.text)/activate")
            #expect(on.status == .ok)
            customer = try await api.details(id)
            #expect(customer["active"] as? Bool == true)
            #expect((customer["status"] as? [String: Any])?["type"] as? String == "active")
            #expect(try await CustomerCredentials.find(on: api.pool, storeID: storeID, customerID: id)?.active == true)
            #expect(try await api.events(of: id) == ["CustomerWasRegistered", "CustomerWasActivated", "CustomerWasDeactivated", "CustomerWasActivated"])
        }
    }

    @Test func sellerDeactivatesAndActivates() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "bysel@example.com")
            let seller = try await api.sellerToken()
            #expect(try await api.send(.post, "/api/DEFAULT/seller/customer/\(id.text)/deactivate", token: seller.token).status == .ok)
            #expect(try await api.details(id)["active"] as? Bool == false)
            #expect(try await api.send(.post, "/api/DEFAULT/seller/customer/\(id.text)/activate", token: seller.token).status == .ok)
            #expect(try await api.details(id)["active"] as? Bool == true)
            // Sellers cannot use the admin flavour, customers neither.
            #expect(try await api.send(.post, "/api/DEFAULT/admin/customer/\(id.text)/deactivate", token: seller.token).status == .forbidden)
            let own = try await api.customerToken(id)
            #expect(try await api.send(.post, "/api/DEFAULT/seller/customer/\(id.text)/deactivate", token: own).status == .forbidden)
        }
    }

    @Test func unknownAndForeignCustomersAreNotFound() async throws {
        try await CustomersAPI.run { api in
            try await api.createStore("OTHER")
            let id = try await api.register(email: "iso@example.com")
            let notFound = #"{"error":{"code":404,"message":"Not Found"}}"#
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/OTHER/customer/\(id.text)"),
                (.put, "/api/OTHER/customer/\(id.text)"),
                (.post, "/api/OTHER/admin/customer/\(id.text)/activate"),
                (.post, "/api/OTHER/admin/customer/\(id.text)/deactivate"),
                (.delete, "/api/OTHER/customer/\(id.text)"),
                (.get, "/api/DEFAULT/customer/\(UUID().text)"),
                (.get, "/api/NOPE/customer/\(id.text)"),
            ] {
                let response = try await api.send(method, path, master: true, form: "customer[firstName]=X")
                #expect(response.status == .notFound, "\(method) \(path): \(response.text)")
                #expect(response.text == notFound)
            }
            let list = try await api.admin(.get, "/api/OTHER/admin/customer").object()
            #expect(list["total"] as? Int == 0)
            // A customer token of DEFAULT is refused in OTHER.
            let token = try await api.customerToken(id)
            #expect(try await api.send(.get, "/api/OTHER/customer/\(id.text)", token: token).status == .forbidden)
        }
    }

    @Test func customersSeeOnlyThemselves() async throws {
        try await CustomersAPI.run { api in
            let me = try await api.register(email: "me@example.com")
            let other = try await api.register(email: "other@example.com")
            let token = try await api.customerToken(me)
            let mine = try await api.send(.get, "/api/DEFAULT/customer/\(me.text)", token: token)
            #expect(mine.status == .ok)
            #expect(try mine.object()["email"] as? String == "me@example.com")
            #expect(try await api.send(.get, "/api/DEFAULT/customer/\(other.text)", token: token).status == .forbidden)
            #expect(try await api.send(.get, "/api/DEFAULT/customer", token: token).status == .forbidden)
            #expect(try await api.send(.get, "/api/DEFAULT/customer/\(me.text)").status == .unauthorized)
        }
    }

    @Test func detailsHaveTheDocumentedShape() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "shape@example.com")
            let customer = try await api.details(id)
            for key in [
                "customerId", "active", "firstName", "lastName", "email", "createdAt", "id", "agreement1", "agreement2", "agreement3",
                "status", "updatedAt", "campaignPurchases", "transactionsCount", "transactionsAmount",
                "transactionsAmountWithoutDeliveryCosts", "amountExcludedForLevel", "averageTransactionAmount", "labels", "version",
                "currency", "segments", "levelPercent",
            ] {
                #expect(customer[key] != nil, "missing \(key)")
            }
            #expect(customer["phone"] == nil)
            #expect(customer["lastTransactionDate"] == nil)
            #expect(customer["transactionsCount"] as? Int == 0)
            #expect((customer["campaignPurchases"] as? [Any])?.isEmpty == true)
            let created = try #require(customer["createdAt"] as? String)
            #expect(created.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$"#, options: .regularExpression) != nil, "\(created)")
        }
    }

    @Test func deletedCustomersAreGone() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "gone@example.com", extra: "&customer[phone]=%2B48500600700")
            let response = try await api.admin(.delete, "/api/DEFAULT/customer/\(id.text)")
            #expect(response.status == .noContent)
            #expect(try await api.admin(.get, "/api/DEFAULT/customer/\(id.text)").status == .notFound)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer").object()["total"] as? Int == 0)
            #expect(try await CustomerCredentials.find(on: api.pool, storeID: try await api.storeID(), customerID: id) == nil)
            #expect(try await api.events(of: id).last == "CustomerWasDeleted")
            // Its e-mail and phone are free again.
            try await api.register(email: "gone@example.com", extra: "&customer[phone]=%2B48500600700")
        }
    }

    @Test func checkCountsExactEmailOrPhone() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "check@example.com", extra: "&customer[phone]=899000333")
            for (query, total) in [("899000333", 1), ("check@example.com", 1), ("CHECK@example.com", 1), ("check@", 0), ("", 0)] {
                let response = try await api.admin(.get, "/api/DEFAULT/customer/check?emailOrPhone=\(query)")
                #expect(response.status == .ok)
                #expect(response.text == #"{"total":\#(total)}"#, "\(query)")
            }
        }
    }
}
