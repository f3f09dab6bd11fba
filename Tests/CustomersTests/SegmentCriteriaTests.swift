import Customers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// Every criterion type of extensions §2.3, one segment each, against the same customers: what matches and
/// what does not, the active-customer filter, and the stored shape of the criterion (§2.5).
@Suite("Segment criteria, each type (extensions §2.3)")
struct SegmentCriteriaTests {
    /// The customers every criterion is evaluated against.
    struct Shoppers {
        /// Active; two sales at `mainPos` in June 2020 (SKU-A by Acme, labelled color:red); born today; label tier:gold.
        let loyal: UUID
        /// Active; one recent sale at `otherPos`; no birthday soon.
        let recent: UUID
        /// Deactivated, with `loyal`'s data: matches no criterion but `customer_list`.
        let blocked: UUID
        /// Active, no sales, registered two years ago the day after tomorrow; a birthday today known without a
        /// year (as the storefront's S11 stores it).
        let veteran: UUID
        let mainPos: UUID
        let otherPos: UUID
    }

    func seed(_ api: CustomersAPI) async throws -> Shoppers {
        let mainPos = try await api.createPos()
        let otherPos = try await api.createPos(CustomersAPI.posForm.replacingOccurrences(of: "identifier]=pos1", with: "identifier]=pos2"))
        let loyal = try await api.register(email: "loyal@example.com", extra: "&customer[labels]=tier:gold")
        let recent = try await api.register(email: "recent@example.com", extra: "&customer[phone]=%2B48500100201")
        let blocked = try await api.register(email: "blocked@example.com", extra: "&customer[labels]=tier:gold")
        let veteran = try await api.register(email: "veteran@example.com")
        try await api.admin(.post, "/api/DEFAULT/admin/customer/\(blocked.text)/deactivate")
        let store = try await api.storeID()
        let items = #"[{"sku":"SKU-A","maker":"Acme","grossValue":100,"labels":[{"key":"color","value":"red"}]}]"#
        for (customer, pos, date) in [
            (loyal, mainPos, "2020-06-15T10:00:00Z"), (loyal, mainPos, "2020-06-20T10:00:00Z"),
            (blocked, mainPos, "2020-06-15T10:00:00Z"), (blocked, mainPos, "2020-06-20T10:00:00Z"),
        ] {
            try await api.pool.execute("""
                INSERT INTO customers.customer_transactions (store_id, transaction_id, customer_id, pos_id, purchase_date, gross_value, items)
                VALUES (\(store), \(UUID()), \(customer), \(pos), \(date)::timestamptz, 100, \(items)::jsonb)
                """)
        }
        try await api.pool.execute("""
            INSERT INTO customers.customer_transactions (store_id, transaction_id, customer_id, pos_id, purchase_date, gross_value, items)
            VALUES (\(store), \(UUID()), \(recent), \(otherPos), now() - interval '1 day', 50,
                    '[{"sku":"SKU-B","maker":"Other","grossValue":50,"labels":[{"key":"color","value":"blue"}]}]'::jsonb)
            """)
        try await api.pool.execute("""
            UPDATE customers.customers SET transactions_count = 2, transactions_amount = 200, birth_date = current_date - interval '30 years'
            WHERE id IN (\(loyal), \(blocked))
            """)
        try await api.pool.execute("""
            UPDATE customers.customers SET transactions_count = 1, transactions_amount = 50, birth_date = current_date + interval '100 days' - interval '30 years'
            WHERE id = \(recent)
            """)
        try await api.pool.execute("""
            UPDATE customers.customers SET created_at = current_date - interval '2 years' + interval '2 days',
                birthday_month = extract(month FROM current_date), birthday_day = extract(day FROM current_date)
            WHERE id = \(veteran)
            """)
        try await api.pool.execute("""
            UPDATE customers.customers SET birthday_month = extract(month FROM birth_date), birthday_day = extract(day FROM birth_date)
            WHERE birth_date IS NOT NULL
            """)
        return Shoppers(loyal: loyal, recent: recent, blocked: blocked, veteran: veteran, mainPos: mainPos, otherPos: otherPos)
    }

    @Test func eachTypeMatchesAsDocumented() async throws {
        try await CustomersAPI.run { api in
            let s = try await seed(api)
            // Registered today: a registration anniversary of this year (extensions §2.3 counts this year).
            let registeredToday: Set<UUID> = [s.loyal, s.recent]
            let cases: [(criterion: String, members: Set<UUID>)] = [
                (#"{"type":"bought_in_pos","posIds":["\#(s.otherPos.text)"]}"#, [s.recent]),
                (#"{"type":"transaction_count","min":1,"max":1}"#, [s.recent]),
                (#"{"type":"transaction_amount","fromAmount":40,"toAmount":60}"#, [s.recent]),
                (#"{"type":"average_transaction_amount","fromAmount":80,"toAmount":120}"#, [s.loyal]),
                (#"{"type":"transaction_percent_in_pos","posId":"\#(s.mainPos.text)","percent":60}"#, [s.loyal]),
                (#"{"type":"transaction_percent_in_pos","posId":"\#(s.otherPos.text)","percent":100}"#, [s.recent]),
                (#"{"type":"purchase_period","fromDate":"2020-06-01T00:00:00","toDate":"2020-06-16T00:00:00"}"#, [s.loyal]),
                (#"{"type":"purchase_period","fromDate":"2021-01-01T00:00:00","toDate":"2021-12-31T00:00:00"}"#, []),
                (#"{"type":"last_purchase_n_days_before","days":7}"#, [s.recent]),
                (#"{"type":"anniversary","anniversaryType":"birthday","days":1}"#, [s.loyal, s.veteran]),
                (#"{"type":"anniversary","anniversaryType":"registration","days":1}"#, registeredToday),
                (#"{"type":"anniversary","anniversaryType":"registration","days":3}"#, registeredToday.union([s.veteran])),
                (#"{"type":"bought_skus","skuIds":["sku-a"]}"#, [s.loyal]),
                (#"{"type":"bought_makers","makers":["ACME"]}"#, [s.loyal]),
                (#"{"type":"bought_labels","labels":[{"key":"Color","value":"RED"}]}"#, [s.loyal]),
                (#"{"type":"bought_labels","labels":[{"key":"color","value":"green"}]}"#, []),
                (#"{"type":"customer_has_labels","labels":[{"key":"tier"}]}"#, [s.loyal]),
                (#"{"type":"customer_with_labels_values","labels":[{"key":"tier","value":"gold"}]}"#, [s.loyal]),
                (#"{"type":"customer_with_labels_values","labels":[{"key":"tier","value":"silver"}]}"#, []),
                (#"{"type":"customer_has_labels_with_values","labels":[{"key":"tier","value":"gold"}]}"#, [s.loyal]),
                (#"{"type":"customer_list","customers":["blocked@example.com","+48500100201"]}"#, [s.blocked, s.recent]),
            ]
            for (index, test) in cases.enumerated() {
                let id = try await api.createSegment(#"{"segment":{"name":"S\#(index)","active":true,"parts":[{"criteria":[\#(test.criterion)]}]}}"#)
                #expect(try await api.members(id) == test.members, "\(test.criterion)")
                let segment = try await api.admin(.get, "/api/DEFAULT/segment/\(id.text)").object()
                #expect(segment["customersCount"] as? Int == test.members.count, "\(test.criterion)")
            }
        }
    }

    @Test func criteriaAreStoredInTheDocumentedShape() async throws {
        try await CustomersAPI.run { api in
            let s = try await seed(api)
            let id = try await api.createSegment("""
                {"segment":{"name":"Shape","active":false,"parts":[{"criteria":[
                  {"type":"average_transaction_amount","fromAmount":10.4,"toAmount":99.6},
                  {"type":"transaction_percent_in_pos","posId":"\(s.mainPos.text)","percent":60},
                  {"type":"customer_has_labels_with_values","labels":[{"key":"tier","value":"gold"}]},
                  {"type":"customer_list","customers":["loyal@example.com"]}]}]}}
                """)
            let segment = try await api.admin(.get, "/api/DEFAULT/segment/\(id.text)").object()
            let criteria = try #require((segment["parts"] as? [[String: Any]])?.first?["criteria"] as? [[String: Any]])
            #expect(criteria.map { $0["type"] as? String } == [
                "average_transaction_amount", "transaction_percent_in_pos", "customer_with_labels_values", "customer_list",
            ])
            // Amounts come back rounded to whole numbers; the POS id is a string (§2.5).
            #expect(criteria[0]["fromAmount"] as? Int == 10 && criteria[0]["toAmount"] as? Int == 100)
            #expect(criteria[1]["posId"] as? String == s.mainPos.text)
            #expect(criteria.allSatisfy { ($0["criterionId"] as? String).flatMap(UUID.init(uuidString:)) != nil })
            let listed = try #require(criteria[3]["segmentedCustomers"] as? [[String: Any]])
            #expect(listed.first?["customerId"] as? String == s.loyal.text && listed.first?["email"] as? String == "loyal@example.com")
            // Inactive: no members until activated.
            #expect(segment["customersCount"] as? Int == 0 && segment["active"] as? Bool == false)
        }
    }
}
