import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Customer lists (C05, C06)")
struct ListTests {
    func emails(_ response: TestResponse) throws -> [String] {
        ((try response.object()["customers"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String }
    }

    @Test func filtersLikeOrStrict() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "alice@example.com", firstName: "Alice", lastName: "Smith", extra: "&customer[phone]=%2B48100100100")
            try await api.register(email: "bob@example.com", firstName: "Bob", lastName: "Smithson")
            try await api.register(email: "carol@other.org", firstName: "Carol", lastName: "Jones", extra: "&customer[loyaltyCardNumber]=C-77")

            let like = try await api.admin(.get, "/api/DEFAULT/customer?email=example.com&strict=0&page=1&perPage=10&sort=email&direction=asc")
            #expect(like.status == .ok)
            #expect(try emails(like) == ["alice@example.com", "bob@example.com"])
            #expect(try like.object()["total"] as? Int == 2)

            let strict = try await api.admin(.get, "/api/DEFAULT/customer?email=example.com&strict=1")
            #expect(try strict.object()["total"] as? Int == 0)
            #expect(try emails(strict) == [])

            let lastName = try await api.admin(.get, "/api/DEFAULT/admin/customer?lastName=smith&sort=lastName&direction=DESC")
            #expect(try emails(lastName) == ["bob@example.com", "alice@example.com"])
            let exact = try await api.admin(.get, "/api/DEFAULT/admin/customer?lastName=smith&strict=1")
            #expect(try emails(exact) == ["alice@example.com"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?loyaltyCardNumber=C-77")) == ["carol@other.org"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?phone=100100")) == ["alice@example.com"])
        }
    }

    @Test func pagesAndSorts() async throws {
        try await CustomersAPI.run { api in
            for index in 1...5 { try await api.register(email: "p\(index)@example.com", firstName: "F\(index)") }
            let first = try await api.admin(.get, "/api/DEFAULT/admin/customer?perPage=2&page=1&sort=firstName&direction=ASC")
            #expect(try emails(first) == ["p1@example.com", "p2@example.com"])
            #expect(try first.object()["total"] as? Int == 5)
            let third = try await api.admin(.get, "/api/DEFAULT/admin/customer?perPage=2&page=3&sort=firstName&direction=asc")
            #expect(try emails(third) == ["p5@example.com"])
            // Default: newest first.
            let all = try await api.admin(.get, "/api/DEFAULT/admin/customer")
            #expect(try emails(all) == (1...5).reversed().map { "p\($0)@example.com" })
            let window = try await api.admin(.get, "/api/DEFAULT/admin/customer?page=1001&perPage=10")
            #expect(window.status == .badRequest)
            #expect(window.text == #"{"error":{"code":400,"message":"Result window is too large"}}"#)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer?sort=nope").status == .badRequest)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer?page=0").status == .badRequest)
        }
    }

    @Test func theUnfilteredTotalFollowsRegistrationsAndDeletions() async throws {
        try await CustomersAPI.run { api in
            var ids: [UUID] = []
            for index in 1...3 { ids.append(try await api.register(email: "t\(index)@example.com")) }
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer").object()["total"] as? Int == 3)
            #expect(try await api.admin(.delete, "/api/DEFAULT/customer/\(ids[0].text)").status == .noContent)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer").object()["total"] as? Int == 2)
            #expect(try await api.admin(.get, "/api/DEFAULT/customer?email=t").object()["total"] as? Int == 2)
            // Status changes of several rows in one statement count each row; other updates count nothing.
            try await api.pool.execute("UPDATE customers.customers SET status = 'deleted' WHERE email IN ('t2@example.com', 't3@example.com')")
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer").object()["total"] as? Int == 0)
            try await api.pool.execute("UPDATE customers.customers SET status = 'active' WHERE email IN ('t1@example.com', 't2@example.com')")
            try await api.pool.execute("UPDATE customers.customers SET first_name = 'Renamed', status = status")
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer").object()["total"] as? Int == 2)
            // The kept counts equal a fresh count in every store.
            let drift = try await api.pool.query("""
                SELECT count(*) FROM customers.store_customer_counts counts
                FULL JOIN (SELECT store_id, count(*) AS live FROM customers.customers WHERE status <> 'deleted' GROUP BY 1) fresh
                  ON fresh.store_id = counts.store_id
                WHERE coalesce(counts.live, 0) <> coalesce(fresh.live, 0)
                """).scalar(Int.self)
            #expect(drift == 0)
        }
    }

    @Test func rangeAndLabelFilters() async throws {
        try await CustomersAPI.run { api in
            let a = try await api.register(email: "r1@example.com", extra: "&customer[labels]=vip:gold")
            let b = try await api.register(email: "r2@example.com", extra: "&customer[labels]=vip:silver;kid:1")
            try await api.pool.execute("UPDATE customers.customers SET transactions_count = 3, transactions_amount = 150 WHERE id = \(a)")
            try await api.pool.execute("UPDATE customers.customers SET transactions_count = 1, transactions_amount = 20 WHERE id = \(b)")
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?transactionsCountFrom=2")) == ["r1@example.com"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?transactionsAmountTo=100")) == ["r2@example.com"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?averageTransactionAmountFrom=25&sort=transactionCount")) == ["r1@example.com"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?sort=transactionsAmount&direction=DESC")) == ["r1@example.com", "r2@example.com"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?sort=averageTransactionAmount&direction=ASC")) == ["r2@example.com", "r1@example.com"])
            // The counters the lists sort on follow every change of the customer's totals (migration 0008).
            try await api.pool.execute("UPDATE customers.customers SET transactions_count = 9, transactions_amount = 900 WHERE id = \(b)")
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?sort=transactionsCount&direction=DESC")) == ["r2@example.com", "r1@example.com"])
            #expect(try await api.admin(.get, "/api/DEFAULT/customer?transactionsAmountFrom=500").object()["total"] as? Int == 1)
            try await api.pool.execute("UPDATE customers.customers SET transactions_count = 1, transactions_amount = 20 WHERE id = \(b)")
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?labels[0][key]=vip&labels[0][value]=silver")) == ["r2@example.com"])
            #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?labels[0][key]=kid")) == ["r2@example.com"])
            #expect(try await api.admin(.get, "/api/DEFAULT/customer?labels[0][key]=vip&sort=email").object()["total"] as? Int == 2)
            #expect(try await api.admin(.get, "/api/DEFAULT/customer?transactionsCountFrom=x").status == .badRequest)
        }
    }

    @Test func listItemsHaveTheListShape() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "item@example.com")
            let list = try await api.admin(.get, "/api/DEFAULT/customer").object()
            #expect(list["scrollId"] == nil)
            let item = try #require((list["customers"] as? [[String: Any]])?.first)
            #expect(item["customerId"] != nil && item["levelPercent"] != nil && item["currency"] as? String == "eur")
            for hidden in ["status", "level", "labels", "segments", "version", "id", "lastLevelRecalculation"] {
                #expect(item[hidden] == nil, "\(hidden) shown in a list item")
            }
        }
    }

    @Test func scrollGoesPastThePage() async throws {
        try await CustomersAPI.run { api in
            for index in 1...5 { try await api.register(email: "s\(index)@example.com") }
            var seen: Set<String> = []
            var scrollId = ""
            for _ in 0..<3 {
                let step = try await api.admin(.get, "/api/DEFAULT/admin/customer?perPage=2&scrollId=\(scrollId)").object()
                #expect(step["total"] as? Int == 5)
                seen.formUnion(((step["customers"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String })
                scrollId = try #require(step["scrollId"] as? String)
            }
            #expect(seen.count == 5)
        }
    }
}
