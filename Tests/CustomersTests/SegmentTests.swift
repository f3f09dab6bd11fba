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
    func createSegment(_ json: String) async throws -> UUID {
        let response = try await send(.post, "/api/DEFAULT/segment", master: true, json: json)
        #expect(response.status == .ok, "segment: \(response.text)")
        return try #require((try response.object()["segmentId"] as? String).flatMap(UUID.init(uuidString:)))
    }

    func members(_ segment: UUID) async throws -> Set<UUID> {
        Set(try await pool.query("SELECT customer_id FROM customers.segment_members WHERE segment_id = \(segment)").map { try $0.decode(UUID.self, "customer_id") })
    }
}

@Suite("Segments (SG-01…SG-09, extensions §2)")
struct SegmentTests {
    @Test func partsIntersectAndCriteriaUnite() async throws {
        try await CustomersAPI.run { api in
            let vip = try await api.register(email: "vip@example.com", extra: "&customer[labels]=vip:gold")
            let big = try await api.register(email: "big@example.com")
            let both = try await api.register(email: "both@example.com", extra: "&customer[labels]=vip:silver")
            try await api.pool.execute("UPDATE customers.customers SET transactions_count = 5, transactions_amount = 500 WHERE id IN (\(big), \(both))")
            // (vip label OR ≥ 3 transactions) AND (amount 100…1000 OR listed): big and both; vip has no amount.
            let json = """
                {"segment":{"name":"Best","active":true,"parts":[
                  {"criteria":[{"type":"customer_has_labels","labels":[{"key":"vip"}]},{"type":"transaction_count","min":3,"max":100}]},
                  {"criteria":[{"type":"transaction_amount","fromAmount":100,"toAmount":1000},{"type":"customer_list","customers":["nobody@example.com"]}]}
                ]}}
                """
            let invalid = try await api.send(.post, "/api/DEFAULT/segment", master: true, json: json)
            #expect(invalid.status == .badRequest)
            #expect(invalid.text.contains("Customer nobody@example.com not found."), "\(invalid.text)")
            let id = try await api.createSegment(json.replacingOccurrences(of: "nobody@example.com", with: "vip@example.com"))
            #expect(try await api.members(id) == [big, both, vip])

            let segment = try await api.admin(.get, "/api/DEFAULT/segment/\(id.text)").object()
            #expect(segment["name"] as? String == "Best" && segment["active"] as? Bool == true && segment["customersCount"] as? Int == 3)
            let parts = try #require(segment["parts"] as? [[String: Any]])
            #expect(parts.count == 2)
            let list = try #require((parts[1]["criteria"] as? [[String: Any]])?.first { $0["type"] as? String == "customer_list" })
            #expect(list["customers"] as? [String] == [vip.text])
            #expect((list["segmentedCustomers"] as? [[String: Any]])?.first?["email"] as? String == "vip@example.com")
            let amount = try #require((parts[1]["criteria"] as? [[String: Any]])?.first { $0["type"] as? String == "transaction_amount" })
            #expect(amount["fromAmount"] as? Int == 100)

            let members = try await api.admin(.get, "/api/DEFAULT/segment/\(id.text)/customers?sort=email&direction=asc").object()
            #expect(members["total"] as? Int == 3)
            let first = try #require((members["customers"] as? [[String: Any]])?.first)
            #expect(first["email"] as? String == "big@example.com" && first["segmentName"] as? String == "Best" && first["segmentId"] as? String == id.text)
            #expect(try await api.count("SELECT count(*) FROM suite.events WHERE type = 'CustomerAddedToSegment'") == 3)
            // The details of a member list its segments; the library too.
            let details = try await api.details(big)
            #expect((details["segments"] as? [[String: Any]])?.first?["name"] as? String == "Best")
            #expect(try await CustomersLibrary.segmentIDs(on: api.pool, storeID: try await api.storeID(), customerID: big) == [id])
        }
    }

    @Test func membershipFollowsCustomerChanges() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.createSegment(#"{"segment":{"name":"Gold","active":1,"parts":[{"criteria":[{"type":"customer_with_labels_values","labels":[{"key":"tier","value":"gold"}]}]}]}}"#)
            let customer = try await api.register(email: "later@example.com")
            #expect(try await api.members(id).isEmpty)
            #expect(try await api.admin(.put, "/api/DEFAULT/customer/\(customer.text)", form: "customer[labels]=tier:gold").status == .ok)
            #expect(try await eventually { try await api.members(id) == [customer] })
            #expect(try await api.admin(.post, "/api/DEFAULT/admin/customer/\(customer.text)/deactivate").status == .ok)
            #expect(try await eventually { try await api.members(id).isEmpty })
            #expect(try await api.count("SELECT count(*) FROM suite.events WHERE type = 'CustomerRemovedFromSegment'") == 1)
        }
    }

    @Test func transactionCriteriaReadTheLedgersEvents() async throws {
        try await CustomersAPI.run { api in
            let pos = try await api.createPos()
            let customer = try await api.register(email: "buyer@example.com")
            let id = try await api.createSegment("""
                {"segment":{"name":"Shoes","active":true,"parts":[{"criteria":[
                  {"type":"bought_skus","skuIds":["SKU-1"]},{"type":"bought_in_pos","posIds":["\(pos.text)"]}]}]}}
                """)
            try await api.appendLedgerEvent("CustomerWasAssignedToTransaction", customer: customer, payload: """
                {"customerId":"\(customer.text)","transactionId":"\(UUID().text)","documentType":"sell","grossValue":50,
                 "purchaseDate":"2026-01-02T10:00:00Z","items":[{"sku":"sku-1","grossValue":50}]}
                """)
            #expect(try await eventually { try await api.members(id) == [customer] })
        }
    }

    @Test func lifecycleAndForm() async throws {
        try await CustomersAPI.run { api in
            let customer = try await api.register(email: "any@example.com")
            let json = #"{"segment":{"name":"All","description":"d","parts":[{"criteria":[{"type":"transaction_count","min":0,"max":10}]}]}}"#
            let id = try await api.createSegment(json)
            #expect(try await api.members(id).isEmpty)
            #expect(try await api.admin(.post, "/api/DEFAULT/segment/\(id.text)/activate").status == .noContent)
            #expect(try await api.members(id) == [customer])
            #expect(try await api.admin(.post, "/api/DEFAULT/segment/\(id.text)/deactivate").status == .noContent)
            #expect(try await api.members(id).isEmpty)

            let duplicate = try await api.send(.post, "/api/DEFAULT/segment", master: true, json: json.replacingOccurrences(of: "All", with: "ALL"))
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.text.contains(#""name":{"errors":["Segment with this name already exists"]}"#), "\(duplicate.text)")
            let empty = try await api.send(.post, "/api/DEFAULT/segment", master: true, json: #"{"segment":{"name":"X","parts":[]}}"#)
            #expect(empty.text == #"{"form":{"children":{"name":{},"active":{},"description":{},"parts":{"errors":["This collection should contain 1 element or more."]}}},"errors":[]}"#)
            let badType = try await api.send(.post, "/api/DEFAULT/segment", master: true, json: #"{"segment":{"name":"Y","parts":[{"criteria":[{"type":"nope"}]}]}}"#)
            #expect(badType.status == .badRequest)
            #expect(badType.text.contains(#""type":{"errors":["This value is not valid."]}"#), "\(badType.text)")

            let update = try await api.send(.put, "/api/DEFAULT/segment/\(id.text)", master: true,
                json: #"{"segment":{"name":"Renamed","active":true,"parts":[{"criteria":[{"type":"transaction_count","min":0,"max":10}]}]}}"#)
            #expect(update.text == #"{"segmentId":"\#(id.text)"}"#)
            #expect(try await api.members(id) == [customer])
            let list = try await api.admin(.get, "/api/DEFAULT/segment?active=1").object()
            #expect(list["total"] as? Int == 1)
            let csv = try await api.admin(.get, "/api/DEFAULT/csv/segment/\(id.text)")
            #expect(csv.status == .ok && csv.text.contains("any@example.com"))
            #expect(try await api.admin(.delete, "/api/DEFAULT/segment/\(id.text)").status == .noContent)
            #expect(try await api.admin(.get, "/api/DEFAULT/segment/\(id.text)").status == .notFound)
            #expect(try await api.members(id).isEmpty)
            let seller = try await api.sellerToken()
            #expect(try await api.send(.get, "/api/DEFAULT/segment", token: seller.token).status == .forbidden)
        }
    }
}
