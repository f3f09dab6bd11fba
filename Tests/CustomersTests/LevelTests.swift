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
    /// Creates a level (LV-02) and returns its id.
    @discardableResult
    func createLevel(_ name: String, condition: String, percent: String = "10", active: Bool = true) async throws -> UUID {
        let form = "level[translations][en][name]=\(name)&level[translations][pl][name]=\(name)-pl&level[conditionValue]=\(condition)"
            + "&level[reward][name]=R-\(name)&level[reward][value]=\(percent)&level[reward][code]=C-\(name)&level[active]=\(active ? 1 : 0)"
        let response = try await admin(.post, "/api/DEFAULT/level/create", form: form)
        #expect(response.status == .ok, "level \(name): \(response.text)")
        return try #require((try response.object()["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    func levelID(of customer: UUID) async throws -> UUID? {
        try await pool.query("SELECT level_id FROM customers.customers WHERE id = \(customer)").scalar(UUID?.self)
    }

    /// Appends a ledger event as the ledger does (its own transaction), for the consumer to react to.
    func appendLedgerEvent(_ type: String, customer: UUID, payload: String) async throws {
        let storeID = try await storeID()
        try await pool.transaction { tx in
            try await EventLog.append(
                NewEvent(storeID: storeID, aggregateType: "account", aggregateID: customer.text, type: type, payload: JSONB(text: payload)),
                on: tx
            )
        }
    }

    func sale(_ customer: UUID, amount: String, total: String, count: Int = 1, type: String = "sell") async throws {
        try await appendLedgerEvent("CustomerWasAssignedToTransaction", customer: customer, payload: """
            {"customerId":"\(customer.text)","transactionId":"\(UUID().text)","documentType":"\(type)","grossValue":\(amount),
             "purchaseDate":"2026-01-02T10:00:00Z","totals":{"transactionsCount":\(count),"transactionsAmount":\(total),
             "transactionsAmountWithoutDeliveryCosts":\(total),"amountExcludedForLevel":0,"lastTransactionDate":"2026-01-02T10:00:00Z"}}
            """)
    }

    func setSettings(_ json: String) async throws {
        let storeID = try await storeID()
        try await pool.execute("""
            INSERT INTO customers.settings (store_id, "values") VALUES (\(storeID), \(json)::jsonb)
            ON CONFLICT (store_id) DO UPDATE SET "values" = excluded."values"
            """)
    }
}

@Suite("Levels (LV-01…LV-06, LV-10, LV-11, C19, C24, C40, extensions §1.5)")
struct LevelTests {
    @Test func createReadUpdateActivate() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.createLevel("Gold", condition: "200", percent: "15", active: false)
            let level = try await api.admin(.get, "/api/DEFAULT/level/\(id.text)").object()
            #expect(level["id"] as? String == id.text)
            #expect(level["name"] as? String == "Gold")
            #expect(level["active"] as? Bool == false)
            #expect(level["conditionValue"] as? Double == 200)
            #expect((level["reward"] as? [String: Any])?["value"] as? Double == 0.15)
            #expect((level["reward"] as? [String: Any])?["code"] as? String == "C-Gold")
            #expect(level["customersCount"] as? Int == 0)
            #expect(level["hasPhoto"] as? Bool == false)
            let polish = try await api.admin(.get, "/api/DEFAULT/level/\(id.text)?_locale=pl").object()
            #expect(polish["name"] as? String == "Gold-pl")

            let update = try await api.admin(.put, "/api/DEFAULT/level/\(id.text)",
                form: "level[name]=Platinum&level[conditionValue]=300&level[reward][name]=P&level[reward][value]=20&level[reward][code]=PP")
            #expect(update.status == .ok, "\(update.text)")
            #expect(update.text == #"{"id":"\#(id.text)"}"#)
            let updated = try await api.admin(.get, "/api/DEFAULT/level/\(id.text)").object()
            #expect(updated["name"] as? String == "Platinum")
            #expect(updated["conditionValue"] as? Double == 300)

            let missing = try await api.admin(.post, "/api/DEFAULT/level/\(id.text)/activate")
            #expect(missing.status == .badRequest)
            #expect(missing.text == #"{"active":"this field is required"}"#)
            #expect(try await api.admin(.post, "/api/DEFAULT/level/\(id.text)/activate", form: "active=1").status == .noContent)
            #expect(try await api.admin(.get, "/api/DEFAULT/level/\(id.text)").object()["active"] as? Bool == true)

            let list = try await api.admin(.get, "/api/DEFAULT/level").object()
            #expect(list["total"] as? Int == 1)
            #expect(try await api.admin(.get, "/api/DEFAULT/level/\(UUID().text)").status == .notFound)
            try await api.createStore("OTHER")
            #expect(try await api.admin(.get, "/api/OTHER/level/\(id.text)").status == .notFound)
        }
    }

    @Test func levelFormErrors() async throws {
        try await CustomersAPI.run { api in
            let response = try await api.admin(.post, "/api/DEFAULT/level/create", form: "level[conditionValue]=-1&level[reward][value]=x")
            #expect(response.status == .badRequest)
            #expect(response.text.contains(#""name":{"errors":["This value should not be blank."]}"#), "\(response.text)")
            #expect(response.text.contains(#""conditionValue":{"errors":["This value should be greater than or equal to 0."]}"#), "\(response.text)")
            #expect(response.text.contains(#""reward":{"children":{"name":{"errors":["This value should not be blank."]},"value":{"errors":["This value is not valid."]}"#), "\(response.text)")
            #expect(try await api.count("SELECT count(*) FROM customers.levels") == 0)
        }
    }

    @Test func whoMayReadLevels() async throws {
        try await CustomersAPI.run { api in
            try await api.createLevel("Active", condition: "0")
            try await api.createLevel("Hidden", condition: "50", active: false)
            let seller = try await api.sellerToken()
            let sellerList = try await api.send(.get, "/api/DEFAULT/seller/level", token: seller.token)
            #expect(try sellerList.object()["total"] as? Int == 2)
            let customer = try await api.register(email: "lv@example.com")
            let token = try await api.customerToken(customer)
            #expect(try await api.send(.get, "/api/DEFAULT/level", token: token).status == .forbidden)
            #expect(try await api.send(.post, "/api/DEFAULT/level/create", token: seller.token, form: "level[name]=x").status == .forbidden)
            let visible = try await api.send(.get, "/api/DEFAULT/customer/level", token: token).object()
            let names = (visible["levels"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["Active"])
        }
    }

    @Test func newCustomersStartOnTheLevelOfZero() async throws {
        try await CustomersAPI.run { api in
            let start = try await api.createLevel("Start", condition: "0", percent: "14")
            try await api.createLevel("Silver", condition: "100")
            let id = try await api.register(email: "start@example.com")
            let customer = try await api.details(id)
            #expect(customer["levelId"] as? String == start.text)
            #expect(customer["levelPercent"] as? String == "14.00%")
            #expect((customer["level"] as? [String: Any])?["name"] as? String == "Start")
            let members = try await api.admin(.get, "/api/DEFAULT/level/\(start.text)/customers").object()
            #expect(members["total"] as? Int == 1)
            let member = try #require((members["customers"] as? [[String: Any]])?.first)
            #expect(member["customerId"] as? String == id.text && member["email"] as? String == "start@example.com")
            #expect(try await api.admin(.get, "/api/DEFAULT/level/\(start.text)").object()["customersCount"] as? Int == 1)
        }
    }

    @Test func transactionsMoveCustomersUpAndDown() async throws {
        try await CustomersAPI.run { api in
            let bronze = try await api.createLevel("Bronze", condition: "0", percent: "1")
            let silver = try await api.createLevel("Silver", condition: "100", percent: "5")
            let gold = try await api.createLevel("Gold", condition: "500", percent: "10")
            let id = try await api.register(email: "tx@example.com")
            #expect(try await api.levelID(of: id) == bronze)

            try await api.sale(id, amount: "150", total: "150")
            #expect(try await eventually { try await api.levelID(of: id) == silver })
            try await api.sale(id, amount: "400", total: "550", count: 2)
            #expect(try await eventually { try await api.levelID(of: id) == gold })
            let customer = try await api.details(id)
            #expect(customer["transactionsCount"] as? Int == 2)
            #expect(customer["transactionsAmount"] as? Double == 550)
            // A return lowers the amount, and in transactions mode the level follows.
            try await api.sale(id, amount: "400", total: "150", count: 1, type: "return")
            #expect(try await eventually { try await api.levelID(of: id) == silver })
            let moves = try await api.pool.query("""
                SELECT payload->>'levelId' AS level, (payload->>'manually')::boolean AS manually FROM suite.events
                WHERE type = 'CustomerWasMovedToLevel' AND aggregate_id = \(id.text) ORDER BY id
                """).map { (try $0.decode(String.self, "level"), try $0.decode(Bool.self, "manually")) }
            #expect(moves.map(\.0) == [bronze.text, silver.text, gold.text, silver.text])
            #expect(moves.allSatisfy { !$0.1 })
        }
    }

    @Test func pointsModeFollowsTheBalance() async throws {
        try await CustomersAPI.run { api in
            try await api.setSettings(#"{"tierAssignType":"points","levelDowngradeMode":"automatic"}"#)
            let base = try await api.createLevel("Base", condition: "0", percent: "1")
            let vip = try await api.createLevel("VIP", condition: "1000", percent: "20")
            let id = try await api.register(email: "pts@example.com")
            try await api.appendLedgerEvent("PointsWereAdded", customer: id, payload: #"{"customerId":"\#(id.text)","points":1200,"availableBalance":1200,"locked":false}"#)
            #expect(try await eventually { try await api.levelID(of: id) == vip })
            try await api.appendLedgerEvent("PointsWereSpent", customer: id, payload: #"{"customerId":"\#(id.text)","points":500,"availableBalance":700}"#)
            #expect(try await eventually { try await api.levelID(of: id) == base })
            // Locked points do not count until they unlock.
            try await api.appendLedgerEvent("PointsWereAdded", customer: id, payload: #"{"customerId":"\#(id.text)","points":900,"availableBalance":700,"locked":true}"#)
            try await api.appendLedgerEvent("PointsTransferHasBeenUnlocked", customer: id, payload: #"{"customerId":"\#(id.text)","points":900,"availableBalance":1600}"#)
            #expect(try await eventually { try await api.levelID(of: id) == vip })
            #expect(try await api.pool.query("SELECT available_points FROM customers.customers WHERE id = \(id)").scalar(Amount.self) == Amount(1600))
        }
    }

    @Test func manualLevelIsAFloor() async throws {
        try await CustomersAPI.run { api in
            let bronze = try await api.createLevel("Bronze", condition: "0", percent: "1")
            let silver = try await api.createLevel("Silver", condition: "100", percent: "5")
            let gold = try await api.createLevel("Gold", condition: "500", percent: "10")
            let id = try await api.register(email: "manual@example.com")

            let assigned = try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/level", form: "levelId=\(silver.text)")
            #expect(assigned.status == .ok)
            #expect(assigned.text == "[]")
            #expect(try await api.levelID(of: id) == silver)
            let event = try await api.pool.query("""
                SELECT (payload->>'manually')::boolean AS manually FROM suite.events
                WHERE type = 'CustomerWasMovedToLevel' AND aggregate_id = \(id.text) ORDER BY id DESC LIMIT 1
                """).scalar(Bool.self)
            #expect(event)

            // A small sale does not take the customer below the manual level.
            try await api.sale(id, amount: "10", total: "10")
            #expect(try await eventually {
                try await api.pool.query("SELECT transactions_amount FROM customers.customers WHERE id = \(id)").scalar(Amount.self) == Amount(10)
            })
            #expect(try await api.levelID(of: id) == silver)
            // An upgrade past it happens and clears the flag (decision extensions X-10).
            try await api.sale(id, amount: "600", total: "610", count: 2)
            #expect(try await eventually { try await api.levelID(of: id) == gold })
            #expect(try await api.pool.query("SELECT manual_level_id FROM customers.customers WHERE id = \(id)").scalar(UUID?.self) == nil)
            let notManual = try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/remove-manually-level")
            #expect(notManual.status == .badRequest)
            #expect(notManual.text == #"{"error":"Customer is not assigned to level manually"}"#)

            // Removing a manual level recalculates at once.
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/level", form: "levelId=\(bronze.text)").status == .ok)
            #expect(try await api.levelID(of: id) == bronze)
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/remove-manually-level").status == .noContent)
            #expect(try await api.levelID(of: id) == gold)

            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/level", form: "levelId=\(UUID().text)").status == .badRequest)
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/level").status == .badRequest)
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(UUID().text)/level", form: "levelId=\(gold.text)").status == .notFound)
        }
    }
}
