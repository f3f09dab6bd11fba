import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Level, POS and seller through the customer forms (C11, C13, C33)")
struct FormAssignmentTests {
    func row(_ api: CustomersAPI, _ id: UUID) async throws -> (level: UUID?, manual: UUID?, pos: UUID?, seller: UUID?) {
        let row = try #require(try await api.pool.query("SELECT level_id, manual_level_id, pos_id, seller_id FROM customers.customers WHERE id = \(id)").firstRow)
        return (try row.decode(UUID?.self, "level_id"), try row.decode(UUID?.self, "manual_level_id"), try row.decode(UUID?.self, "pos_id"),
                try row.decode(UUID?.self, "seller_id"))
    }

    @Test func registrationAndUpdateAssign() async throws {
        try await CustomersAPI.run { api in
            try await api.createLevel("Start", condition: "0")
            let gold = try await api.createLevel("Gold", condition: "500", percent: "10")
            let pos = try await api.createPos()
            let seller = try await api.sellerToken()
            let id = try await api.register(email: "assign@example.com",
                extra: "&customer[levelId]=\(gold.text)&customer[posId]=\(pos.text)&customer[sellerId]=\(seller.id.text)")
            var state = try await row(api, id)
            #expect(state.level == gold && state.manual == gold && state.pos == pos && state.seller == seller.id)
            let events = try await api.events(of: id)
            #expect(events.contains("CustomerWasMovedToLevel") && events.contains("PosWasAssignedToCustomer") && events.contains("SellerWasAssignedToCustomer"))
            #expect(try await api.details(id)["levelPercent"] as? String == "10.00%")

            let second = try await api.createPos(CustomersAPI.posForm.replacingOccurrences(of: "pos1", with: "pos2"))
            #expect(try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[posId]=\(second.text)&customer[sellerId]=").status == .ok)
            state = try await row(api, id)
            #expect(state.pos == second && state.seller == nil && state.level == gold)

            let bad = try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[levelId]=\(UUID().text)&customer[posId]=nope")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains(#""levelId":{"errors":["This value is not valid."]},"posId":{"errors":["This value is not valid."]}"#), "\(bad.text)")
        }
    }

    @Test func aSellersCustomerGetsItsPos() async throws {
        try await CustomersAPI.run { api in
            let pos = try await api.createPos()
            let form = "seller[firstName]=P&seller[lastName]=S&seller[email]=p@shop.com&seller[posId]=\(pos.text)&seller[plainPassword]=Passw0rd!&seller[active]=1"
            let sellerID = try #require((try await api.admin(.post, "/api/DEFAULT/seller/register", form: form).object()["sellerId"] as? String).flatMap(UUID.init(uuidString:)))
            let token = try await TestTokens.token(.seller, userID: sellerID, store: "DEFAULT")
            let response = try await api.send(.post, "/api/DEFAULT/seller/customer/register", token: token,
                form: "customer[firstName]=C&customer[lastName]=D&customer[email]=c@example.com&customer[agreement1]=1&customer[sellerId]=\(UUID().text)")
            #expect(response.status == .ok, "\(response.text)")
            let id = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let state = try await row(api, id)
            #expect(state.pos == pos && state.seller == sellerID)
        }
    }
}
