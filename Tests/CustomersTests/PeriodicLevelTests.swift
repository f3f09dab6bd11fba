@testable import Customers
import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Periodic level recalculation (after_x_days, extensions §1.5)")
struct PeriodicLevelTests {
    @Test func dueCustomersAreDemotedAndTheirPeriodRestarts() async throws {
        try await CustomersAPI.run { api in
            try await api.setSettings("""
                {"tierAssignType":"points","levelDowngradeMode":"after_x_days","levelDowngradeDays":30,
                 "levelDowngradeBase":"active_points","levelResetPointsOnDowngrade":true}
                """)
            let base = try await api.createLevel("Base", condition: "0", percent: "1")
            let vip = try await api.createLevel("VIP", condition: "1000", percent: "20")
            let due = try await api.register(email: "due@example.com")
            let fresh = try await api.register(email: "fresh@example.com")
            for id in [due, fresh] {
                try await api.appendLedgerEvent("PointsWereAdded", customer: id, payload: #"{"customerId":"\#(id.text)","points":1500,"availableBalance":1500}"#)
                #expect(try await eventually { try await api.levelID(of: id) == vip })
                // Spending does not demote in this mode…
                try await api.appendLedgerEvent("PointsWereSpent", customer: id, payload: #"{"customerId":"\#(id.text)","points":1200,"availableBalance":300}"#)
            }
            #expect(try await eventually {
                try await api.count("SELECT count(*) FROM customers.customers WHERE available_points = 300") == 2
            })
            #expect(try await api.levelID(of: due) == vip)
            // …the periodic pass does, for customers whose period is over.
            try await api.pool.execute("UPDATE customers.customers SET last_level_recalculation = now() - interval '31 days' WHERE id = \(due)")
            let recalculated = try await PeriodicLevelRecalculation(runtime: api.runtime).runOnce()
            #expect(recalculated == 1)
            #expect(try await api.levelID(of: due) == base)
            #expect(try await api.levelID(of: fresh) == vip)
            let payload = try await api.pool.query("""
                SELECT payload->>'levelId' AS level, (payload->>'resetPoints')::boolean AS reset FROM suite.events
                WHERE type = 'CustomerLevelWasRecalculated' AND aggregate_id = \(due.text)
                """).firstRow
            #expect(try payload?.decode(String.self, "level") == base.text)
            #expect(try payload?.decode(Bool.self, "reset") == true)
            #expect(try await PeriodicLevelRecalculation(runtime: api.runtime).runOnce() == 0)
        }
    }
}
