import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Analytics (EP-09, EP-11, EP-13)")
struct AnalyticsTests {
    @Test func customersReferralsLevels() async throws {
        try await CustomersAPI.run { api in
            let level0 = try await api.createLevel("level0", condition: "0")
            try await api.createLevel("level1", condition: "20")
            let a = try await api.register(email: "a@example.com")
            let b = try await api.register(email: "b@example.com")
            try await api.pool.execute("UPDATE customers.customers SET created_at = now() - interval '10 days' WHERE id = \(b)")
            let old = try await api.register(email: "c@example.com")
            try await api.pool.execute("UPDATE customers.customers SET created_at = now() - interval '400 days' WHERE id = \(old)")
            try await api.createStore("OTHER")
            try await api.register(email: "x@example.com", store: "OTHER")

            let customers = try await api.admin(.get, "/api/DEFAULT/admin/analytics/customers")
            #expect(customers.text == #"{"intervals":{"in_1_days":1,"in_30_days":2,"in_365_days":2,"in_7_days":1},"total":3}"#)

            let storeID = try await api.storeID()
            for (status, recipient) in [("invited", nil), ("registered", Optional(b)), ("made_purchase", Optional(old))] as [(String, UUID?)] {
                try await api.pool.execute("""
                    INSERT INTO customers.invitations (store_id, id, referrer_id, recipient_id, status, token)
                    VALUES (\(storeID), \(UUID()), \(a), \(recipient), \(status), \(UUID().text))
                    """)
            }
            let referrals = try await api.admin(.get, "/api/DEFAULT/admin/analytics/referrals")
            #expect(referrals.text == #"{"total":3,"totalCompleted":1,"totalRegistered":2}"#)

            let levels = try await api.admin(.get, "/api/DEFAULT/admin/analytics/levels").object()
            #expect(levels["total"] as? Int == 2)
            let first = try #require((levels["levels"] as? [[String: Any]])?.first)
            #expect(first["levelId"] as? String == level0.text && first["conditionValue"] as? String == "0.00")
            #expect(first["customers"] as? Int == 3 && first["store"] as? String == "DEFAULT")
            let seller = try await api.sellerToken()
            #expect(try await api.send(.get, "/api/DEFAULT/admin/analytics/customers", token: seller.token).status == .forbidden)
        }
    }
}
