import Customers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// Every filter of C05 and C06, each on both lists (labels on C05 only, as documented), against the same
/// three customers.
@Suite("Every customer-list filter on both lists (C05, C06)")
struct ListFilterTests {
    func emails(_ response: TestResponse) throws -> Set<String> {
        Set(((try response.object()["customers"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String })
    }

    @Test func eachFilterOnBothLists() async throws {
        try await CustomersAPI.run { api in
            let big = try await api.register(email: "big@example.com", firstName: "Anna", lastName: "Big",
                                              extra: "&customer[phone]=%2B48111222333&customer[loyaltyCardNumber]=CARD-1&customer[labels]=vip:gold")
            let small = try await api.register(email: "small@example.com", firstName: "Annabel", lastName: "Small", extra: "&customer[labels]=vip:silver")
            let idle = try await api.register(email: "idle@other.org", firstName: "Ian", lastName: "Idle")
            // big: 4 sales, 400 (average 100), bought 2 days ago; small: 1 sale, 30, 40 days ago; idle: nothing, untouched for 3 days.
            try await api.pool.execute("""
                UPDATE customers.customers SET transactions_count = 4, transactions_amount = 400, last_transaction_date = now() - interval '2 days'
                WHERE id = \(big)
                """)
            try await api.pool.execute("""
                UPDATE customers.customers SET transactions_count = 1, transactions_amount = 30, last_transaction_date = now() - interval '40 days'
                WHERE id = \(small)
                """)
            try await api.pool.execute("UPDATE customers.customers SET updated_at = now() - interval '3 days' WHERE id = \(idle)")

            let all: Set<String> = ["big@example.com", "small@example.com", "idle@other.org"]
            let cases: [(query: String, expected: Set<String>)] = [
                ("firstName=anna", ["big@example.com", "small@example.com"]),
                ("firstName=Anna&strict=1", ["big@example.com"]),
                ("lastName=SMALL", ["small@example.com"]),
                ("phone=111222", ["big@example.com"]),
                ("phone=%2B48111222333&strict=1", ["big@example.com"]),
                ("email=example.com", ["big@example.com", "small@example.com"]),
                ("email=IDLE@other.org&strict=1", ["idle@other.org"]),
                ("loyaltyCardNumber=card", ["big@example.com"]),
                ("loyaltyCardNumber=CARD&strict=1", []),
                ("transactionsAmountFrom=30", ["big@example.com", "small@example.com"]),
                ("transactionsAmountFrom=31", ["big@example.com"]),
                ("transactionsAmountTo=30", ["small@example.com", "idle@other.org"]),
                ("averageTransactionAmountFrom=50", ["big@example.com"]),
                ("averageTransactionAmountTo=30", ["small@example.com", "idle@other.org"]),
                ("transactionsCountFrom=1&transactionsCountTo=1", ["small@example.com"]),
                ("transactionsCountTo=0", ["idle@other.org"]),
                ("daysFromLastTransactionTo=7", ["big@example.com"]),
                ("daysFromLastTransactionTo=60", ["big@example.com", "small@example.com"]),
                ("hoursFromLastUpdateTo=24", ["big@example.com", "small@example.com"]),
                ("hoursFromLastUpdateTo=100", all),
                ("firstName=ann&transactionsCountFrom=2", ["big@example.com"]),
            ]
            for path in ["/api/DEFAULT/customer", "/api/DEFAULT/admin/customer"] {
                for test in cases {
                    let response = try await api.admin(.get, "\(path)?\(test.query)")
                    #expect(response.status == .ok, "\(path)?\(test.query): \(response.text)")
                    #expect(try emails(response) == test.expected, "\(path)?\(test.query)")
                    #expect(try response.object()["total"] as? Int == test.expected.count, "\(path)?\(test.query)")
                }
            }
            // Labels (C05): key and value, or the key alone; every label given must match.
            let labels: [(String, Set<String>)] = [
                ("labels[0][key]=vip", ["big@example.com", "small@example.com"]),
                ("labels[0][key]=vip&labels[0][value]=gold", ["big@example.com"]),
                ("labels[0][key]=vip&labels[1][key]=none", []),
            ]
            for (query, expected) in labels {
                #expect(try emails(try await api.admin(.get, "/api/DEFAULT/customer?\(query)")) == expected, "\(query)")
            }
            // Both lists answer the same envelope and paginate alike.
            for path in ["/api/DEFAULT/customer", "/api/DEFAULT/admin/customer"] {
                let page = try await api.admin(.get, "\(path)?perPage=1&page=2&sort=email&direction=asc").object()
                #expect(Set(page.keys) == ["customers", "total"] && page["total"] as? Int == 3, "\(path)")
                #expect((page["customers"] as? [[String: Any]])?.first?["email"] as? String == "idle@other.org", "\(path)")
            }
        }
    }
}
