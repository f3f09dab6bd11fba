import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

extension LedgerAPI {
    /// A general spending rule (`points`) through L-06; returns its id.
    @discardableResult
    func spendingRule(_ pointValue: String, name: String = "General spending rule", extra: String = "") async throws -> String {
        let response = try await admin(.post, "/api/DEFAULT/earningRule", form: """
            earningRule[type]=points&earningRule[name]=\(name)&earningRule[description]=d&earningRule[active]=1\
            &earningRule[allTimeActive]=1&earningRule[pointValue]=\(pointValue)\(extra)
            """)
        #expect(response.status == .ok, "rule: \(response.text)")
        return try #require(try response.object()["earningRuleId"] as? String)
    }

    /// Registers a transaction through L-34 with items `(sku, grossValue)`.
    func register(
        _ number: String, type: String = "sell", email: String? = nil, card: String? = nil, items: [(String, String)],
        revised: String? = nil, headers: HTTPFields = [:], store: String = "DEFAULT"
    ) async throws -> TestResponse {
        var form = "transaction[transactionData][documentType]=\(type)&transaction[transactionData][documentNumber]=\(number)"
            + "&transaction[transactionData][purchaseDate]=2024-02-20+09:28&transaction[customerData][name]=Jane+Doe"
        if let email { form += "&transaction[customerData][email]=\(email)" }
        if let card { form += "&transaction[customerData][loyaltyCardNumber]=\(card)" }
        if let revised { form += "&transaction[revisedDocument]=\(revised)" }
        for (index, item) in items.enumerated() {
            form += "&transaction[items][\(index)][sku][code]=\(item.0)&transaction[items][\(index)][name]=Item\(index)"
                + "&transaction[items][\(index)][quantity]=1&transaction[items][\(index)][grossValue]=\(item.1)"
                + "&transaction[items][\(index)][category]=cat&transaction[items][\(index)][maker]=brand"
                + "&transaction[items][\(index)][labels][0][key]=color&transaction[items][\(index)][labels][0][value]=red"
        }
        return try await admin(.post, "/api/\(store)/transaction", form: form, headers: headers)
    }

    /// Customers whose kept totals (`ledger.customer_totals`) differ from their transactions summed afresh.
    func totalsDrift() async throws -> Int {
        try await pool.query("""
            SELECT count(*) FROM ledger.customer_totals ct
            FULL JOIN (SELECT store_id, customer_id, count(*) FILTER (WHERE document_type = 'sell') AS n,
                              sum(CASE WHEN document_type = 'sell' THEN gross_value ELSE -gross_value END) AS amount,
                              sum(CASE WHEN document_type = 'sell' THEN gross_without_delivery ELSE -gross_without_delivery END) AS without,
                              max(purchase_date) AS last
                       FROM ledger.transactions WHERE customer_id IS NOT NULL GROUP BY 1, 2) fresh
              ON fresh.store_id = ct.store_id AND fresh.customer_id = ct.customer_id
            WHERE ct.transactions_count IS DISTINCT FROM fresh.n OR ct.transactions_amount IS DISTINCT FROM fresh.amount
               OR ct.amount_without_delivery IS DISTINCT FROM fresh.without OR ct.last_purchase_date IS DISTINCT FROM fresh.last
            """).scalar(Int.self)
    }

    func transaction(_ id: String) async throws -> [String: Any] {
        try await admin(.get, "/api/DEFAULT/transaction/\(id)").object()
    }
}

@Suite("Transactions (L-24…L-42): registration, earning, returns, assignment, lists")
struct TransactionTests {
    @Test func theBuyerIsTheFirstMatchInTheStoresIdentificationPriority() async throws {
        try await LedgerAPI.run { api in
            let byEmail = try await api.customer(email: "ann@example.com")
            let byCard = try await api.customer(email: "bob@example.com", card: "CARD-7")
            _ = try await api.customer(email: "gone@example.com", status: "deleted")
            _ = try await api.createStore("SECOND")
            _ = try await api.customer(store: "SECOND", email: "ann@example.com", card: "CARD-7")
            func buyer(_ number: String, email: String?, card: String?) async throws -> String? {
                let response = try await api.register(number, email: email, card: card, items: [("SKU1", "10")])
                #expect(response.status == .ok, "\(response.text)")
                let id = try #require(try response.object()["transactionId"] as? String)
                return try await api.transaction(id)["customerId"] as? String
            }
            // Default order: e-mail (any case) before the loyalty card number.
            #expect(try await buyer("P1", email: "ANN@example.com", card: "CARD-7") == byEmail.uuidString.lowercased())
            #expect(try await buyer("P2", email: "nobody@example.com", card: "CARD-7") == byCard.uuidString.lowercased())
            #expect(try await buyer("P3", email: "gone@example.com", card: nil) == nil)
            try await api.settings(#"{"customersIdentificationPriority":[{"priority":1,"field":"loyaltyCardNumber"},{"priority":2,"field":"email"}]}"#)
            #expect(try await buyer("P4", email: "ann@example.com", card: "CARD-7") == byCard.uuidString.lowercased())
            #expect(try await buyer("P5", email: "ann@example.com", card: " ") == byEmail.uuidString.lowercased())
        }
    }

    @Test func aSaleEarnsByTheGeneralSpendingRule() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "jane@example.com")
            try await api.spendingRule("2.3", name: "General spending rule - 2.3")
            let response = try await api.register("456", email: "JANE@example.com", items: [("SKU1", "1"), ("SKU2", "2")])
            #expect(response.status == .ok, "\(response.text)")
            let id = try #require(try response.object()["transactionId"] as? String)
            let shown = try await api.transaction(id)
            #expect(number(shown["pointsEarned"]) == "6.9")
            #expect(number(shown["grossValue"]) == "3")
            #expect(shown["customerId"] as? String == customer.uuidString.lowercased())
            #expect(shown["documentType"] as? String == "sell")
            #expect(shown["currency"] as? String == "eur")
            #expect(shown["purchaseDate"] as? String == "2024-02-20T09:28:00+00:00")
            let items = try #require(shown["items"] as? [[String: Any]])
            #expect((items[0]["sku"] as? [String: Any])?["code"] as? String == "SKU1")
            #expect((items[1]["labels"] as? [[String: Any]])?.first?["value"] as? String == "red")

            let transfers = try await api.admin(.get, "/api/DEFAULT/points/transfer?customerId=\(customer)").object()
            let transfer = try #require((transfers["transfers"] as? [[String: Any]])?.first)
            #expect(number(transfer["value"]) == "6.9")
            #expect(transfer["comment"] as? String == "General spending rule - 2.3")
            #expect(transfer["issuer"] as? String == "system")
            #expect((transfer["transactionId"] as? [String: Any])?["transactionId"] as? String == id)
            #expect(transfer["transactionDocumentNumber"] as? String == "456")
            let status = try await api.status(customer)
            #expect(number(status["points"]) == "6.9")
            #expect(status["transactionsCount"] as? Int == 1)
            #expect(number(status["transactionsAmount"]) == "3")
            #expect(status["averageTransactionsAmount"] as? String == "3.00")
            let events = try await api.eventTypes()
            #expect(events.suffix(3) == ["TransactionWasRegistered", "PointsWereAdded", "CustomerWasAssignedToTransaction"])
            let payload = try await api.pool.query("""
                SELECT payload::text FROM suite.events WHERE type = 'CustomerWasAssignedToTransaction'
                """).scalar(String.self)
            let totals = try #require((try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])?["totals"] as? [String: Any])
            #expect(totals["transactionsCount"] as? Int == 1)
        }
    }

    @Test func theSameDocumentNumberTwiceInAStoreIsRefused() async throws {
        try await LedgerAPI.run { api in
            _ = try await api.createStore("OTHER")
            #expect(try await api.register("D-1", items: [("A", "10")]).status == .ok)
            let again = try await api.register("D-1", items: [("B", "5")])
            #expect(again.status == .badRequest)
            #expect(again.text.contains(#""documentNumber":{"errors":["This value is already used."]}"#), "\(again.text)")
            #expect(try await api.register("D-1", items: [("A", "10")], store: "OTHER").status == .ok, "another store may use it")
            #expect(try await api.pool.query("SELECT count(*) FROM ledger.transactions").scalar(Int.self) == 2)
        }
    }

    @Test func formErrorsNameTheFields() async throws {
        try await LedgerAPI.run { api in
            let empty = try await api.admin(.post, "/api/DEFAULT/transaction", form: "transaction[transactionData][documentType]=gift")
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains(#""documentType":{"errors":["The value you selected is not a valid choice."]}"#))
            #expect(empty.text.contains(#""documentNumber":{"errors":["This value should not be blank."]}"#))
            #expect(empty.text.contains(#""items":{"errors":["This value should not be blank."]}"#))
        }
    }

    /// Worked example of the user guide: a 40 sale earns 70 points; returning 20 of it removes 35; a
    /// further return of 30 removes only the 35 that remain of what the sale earned.
    @Test func returnsReversePointsInProportion() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "ret@example.com")
            try await api.spendingRule("1.75")
            #expect(try await api.register("S-1", email: "ret@example.com", items: [("A", "20"), ("B", "20")]).status == .ok)
            #expect(try await api.available(customer) == 70)
            let returned = try await api.register("R-1", type: "return", email: "ret@example.com", items: [("A", "20")], revised: "S-1")
            #expect(returned.status == .ok, "\(returned.text)")
            #expect(try await api.available(customer) == 35)
            let returnID = try #require(try returned.object()["transactionId"] as? String)
            #expect(number(try await api.transaction(returnID)["pointsEarned"]) == "0")
            #expect(try await api.register("R-2", type: "return", email: "ret@example.com", items: [("B", "30")], revised: "S-1").status == .ok)
            #expect(try await api.available(customer) == 0)
            let revoked = try await api.pool.query("SELECT sum(value) FROM ledger.transfers WHERE type = 'spending'").scalar(Amount.self)
            #expect(revoked == 70, "never more than the sale earned")
            let status = try await api.status(customer)
            #expect(status["transactionsCount"] as? Int == 1)
            #expect(number(status["transactionsAmount"]) == "-10")
            #expect(try await api.verify()["consistent"] as? Bool == true)
            #expect(try await api.totalsDrift() == 0)
            // Verification (X-11) reports kept totals that no longer match the transactions.
            try await api.pool.execute("UPDATE ledger.customer_totals SET transactions_count = 7")
            let report = try await api.verify()
            #expect(report["consistent"] as? Bool == false)
            let drift = try #require((report["drifts"] as? [[String: Any]])?.first)
            #expect(drift["field"] as? String == "transactionsCount" && number(drift["recorded"]) == "7" && number(drift["computed"]) == "1")
        }
    }

    @Test func aReturnTakesWhatIsAvailableDownToZero() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "spent@example.com")
            try await api.spendingRule("1")
            #expect(try await api.register("S-1", email: "spent@example.com", items: [("A", "100")]).status == .ok)
            #expect(try await api.spend("90", from: customer).status == .ok)
            #expect(try await api.register("R-1", type: "return", email: "spent@example.com", items: [("A", "50")], revised: "S-1").status == .ok)
            #expect(try await api.available(customer) == 0)
            let value = try await api.pool.query("SELECT value FROM ledger.transfers WHERE transaction_id IS NOT NULL AND type = 'spending'").scalar(Amount.self)
            #expect(value == 50, "the reversal keeps its full value")
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }

    @Test func aReturnOfAnotherCustomersSaleIsRefused() async throws {
        try await LedgerAPI.run { api in
            try await api.customer(email: "a@example.com")
            try await api.customer(email: "b@example.com")
            #expect(try await api.register("S-1", email: "a@example.com", items: [("A", "10")]).status == .ok)
            let refused = try await api.register("R-1", type: "return", email: "b@example.com", items: [("A", "10")], revised: "S-1")
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains(#""revisedDocument":{"errors":["transaction.document_return_incorrect_owner"]}"#))
        }
    }

    @Test func unassignedTransactionsAreAssignedLaterOnce() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "later@example.com", phone: "333333", card: "333")
            try await api.spendingRule("2")
            #expect(try await api.register("123", items: [("A", "5")]).status == .ok)
            #expect(try await api.available(customer) == 0)
            let assigned = try await api.admin(.post, "/api/DEFAULT/admin/transaction/customer/assign", form: """
                assign[transactionDocumentNumber]=123&assign[customerLoyaltyCardNumber]=333
                """)
            #expect(assigned.status == .ok, "\(assigned.text)")
            #expect(try await api.available(customer) == 10)
            let again = try await api.admin(.post, "/api/DEFAULT/admin/transaction/customer/assign", form: """
                assign[transactionDocumentNumber]=123&assign[customerId]=\(customer)&assign[customerLoyaltyCardNumber]=333&assign[customerPhoneNumber]=333333
                """)
            #expect(again.text == """
                {"form":{"children":{"transactionDocumentNumber":{"errors":["Customer is already assigned to this transaction"]},\
                "customerId":{},"customerLoyaltyCardNumber":{},"customerPhoneNumber":{}}},"errors":[]}
                """)

            // The customer assigns themself; the seller by phone.
            #expect(try await api.register("888", items: [("A", "1")]).status == .ok)
            let token = try await api.customerToken(customer)
            let own = try await api.send(.post, "/api/DEFAULT/customer/transaction/customer/assign", token: token, form: "assign[transactionDocumentNumber]=888")
            #expect(own.status == .ok, "\(own.text)")
            #expect(try await api.register("999", items: [("A", "1")]).status == .ok)
            let seller = try await api.sellerToken()
            let pos = try await api.send(.post, "/api/DEFAULT/pos/transaction/customer/assign", token: seller, form: "assign[transactionDocumentNumber]=999&assign[customerPhoneNumber]=333333")
            #expect(pos.status == .ok, "\(pos.text)")
            #expect(try await api.available(customer) == 14)
            let status = try await api.status(customer)
            #expect(status["transactionsCount"] as? Int == 3)
            #expect(number(status["transactionsAmount"]) == "7")
            #expect(try await api.totalsDrift() == 0)

            let mine = try await api.send(.get, "/api/DEFAULT/customer/transaction", token: token).object()
            #expect(mine["total"] as? Int == 3)
            let sellerList = try await api.send(.get, "/api/DEFAULT/seller/transaction/customer/\(customer)", token: seller).object()
            let first = try #require((sellerList["transactions"] as? [[String: Any]])?.first)
            #expect(first["pointsEarned"] == nil)
            #expect(first["excludedLevelCategories"] != nil)
            let byNumber = try await api.send(.get, "/api/DEFAULT/seller/transaction/123", token: seller).object()
            #expect(byNumber["total"] as? Int == 1)
        }
    }

    @Test func adminListFilters() async throws {
        try await LedgerAPI.run { api in
            try await api.customer(email: "f@example.com")
            #expect(try await api.register("F-1", email: "f@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.register("F-2", items: [("A", "50")]).status == .ok)
            #expect(try await api.register("F-3", type: "return", email: "f@example.com", items: [("A", "5")], revised: "F-1").status == .ok)
            func total(_ query: String) async throws -> Int? {
                try await api.admin(.get, "/api/DEFAULT/transaction?\(query)").object()["total"] as? Int
            }
            #expect(try await total("") == 3)
            #expect(try await total("documentType=return") == 1)
            #expect(try await total("grossValueFrom=10&grossValueTo=50") == 2)
            #expect(try await total("customerData_email=F%40EXAMPLE") == 2)
            #expect(try await total("documentNumber=F-2") == 1)
            #expect(try await total("purchaseDateFrom=2024-02-21") == 0)
            #expect(try await api.admin(.get, "/api/DEFAULT/transaction?sort=nope").status == .badRequest)
        }
    }

    @Test func idempotencyKeyReplaysTheFirstResponse() async throws {
        try await LedgerAPI.run { api in
            try await api.customer(email: "idem@example.com")
            try await api.spendingRule("1")
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "k-1"]
            let first = try await api.register("I-1", email: "idem@example.com", items: [("A", "10")], headers: key)
            let second = try await api.register("I-1", email: "idem@example.com", items: [("A", "10")], headers: key)
            #expect(first.status == .ok)
            #expect(second.status == .ok)
            #expect(second.text == first.text)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await api.pool.query("SELECT count(*) FROM ledger.transfers").scalar(Int.self) == 1)
            let other = try await api.register("I-2", email: "idem@example.com", items: [("A", "10")], headers: key)
            #expect(other.status == .unprocessableContent)
            // Refusals are replayed too; concurrent requests with one key write once.
            let spendKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "k-2", .authToken: TestKeys.masterKey]
            let customer = try await api.customer()
            try await api.add("10", to: customer)
            let results = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await api.send(.post, "/api/DEFAULT/points/transfer/spend", form: "transfer[customer]=\(customer)&transfer[points]=1", headers: spendKey).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.contains(.ok))
            #expect(try await api.available(customer) == 9, "one spend, whatever the number of retries: \(results)")
        }
    }

    @Test func transactionsOfOneStoreAreInvisibleFromAnother() async throws {
        try await LedgerAPI.run { api in
            _ = try await api.createStore("OTHER")
            let id = try #require(try await api.register("X-1", items: [("A", "10")]).object()["transactionId"] as? String)
            #expect(try await api.admin(.get, "/api/OTHER/transaction/\(id)").status == .notFound)
            #expect(try await api.admin(.get, "/api/OTHER/transaction").object()["total"] as? Int == 0)
            let customer = try await api.customer(store: "OTHER")
            let assign = try await api.admin(.post, "/api/OTHER/admin/transaction/customer/assign", form: "assign[transactionDocumentNumber]=X-1&assign[customerId]=\(customer)")
            #expect(assign.status == .badRequest)
        }
    }
}

@Suite("Customer status with levels, first purchase, returns setting")
struct StatusAndSettingsTests {
    @Test func statusShowsTheLevelAndTheWayToTheNext() async throws {
        try await LedgerAPI.run { api in
            let storeID = try await api.storeID()
            let bronze = UUID(), silver = UUID()
            try await api.pool.execute("""
                INSERT INTO customers.levels (store_id, id, name, active, condition_value, reward_name, reward_percent, reward_code)
                VALUES (\(storeID), \(bronze), 'Bronze', true, 0, 'r', 5, 'B'), (\(storeID), \(silver), 'Silver', true, 100, 'r', 15, 'S')
                """)
            let customer = try await api.customer(email: "lvl@example.com", firstName: "Ann", lastName: "Lee", levelID: bronze)
            #expect(try await api.register("T-1", email: "lvl@example.com", items: [("A", "30")]).status == .ok)
            let status = try await api.status(customer)
            #expect(status["firstName"] as? String == "Ann")
            #expect(status["levelName"] as? String == "Bronze")
            #expect(status["level"] as? String == "5.00%")
            #expect(status["nextLevelName"] as? String == "Silver")
            #expect(status["nextLevel"] as? String == "15.00%")
            #expect(number(status["nextLevelConditionValue"]) == "100")
            #expect(number(status["transactionsAmountToNextLevel"]) == "70")
        }
    }

    @Test func theFirstPurchaseFiresItsEventRule() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "first@example.com")
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=event&earningRule[name]=First+Purchase&earningRule[active]=1\
                &earningRule[eventName]=oloy.transaction.customer_first_transaction&earningRule[pointsAmount]=10
                """).status == .ok)
            #expect(try await api.register("P-1", email: "first@example.com", items: [("A", "30")]).status == .ok)
            #expect(try await api.register("P-2", email: "first@example.com", items: [("A", "30")]).status == .ok)
            #expect(try await api.available(customer) == 10)
        }
    }

    @Test func returnsCanBeDisabled() async throws {
        try await LedgerAPI.run { api in
            try await api.settings(#"{"returns": false}"#)
            #expect(try await api.register("S-1", items: [("A", "30")]).status == .ok)
            let refused = try await api.register("R-1", type: "return", items: [("A", "30")], revised: "S-1")
            #expect(refused.text.contains(#""documentType":{"errors":["Returns are not enabled"]}"#), "\(refused.text)")
        }
    }

    @Test func onlyCustomersOfAnEarningStatusEarn() async throws {
        try await LedgerAPI.run { api in
            let blocked = try await api.customer(email: "blocked@example.com", status: "blocked")
            try await api.spendingRule("1")
            #expect(try await api.register("B-1", email: "blocked@example.com", items: [("A", "30")]).status == .ok)
            #expect(try await api.available(blocked) == 0)
        }
    }
}

@Suite("Earning rule cache")
struct RuleCacheTests {
    /// Registrations read rules from memory; a change of rules applies to the very next registration.
    @Test func aChangedRuleAppliesToTheNextTransaction() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "cache@example.com")
            let rule = try await api.spendingRule("1")
            #expect(try await api.register("C-1", email: "cache@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.available(customer) == 10)
            #expect(try await api.admin(.put, "/api/DEFAULT/earningRule/\(rule)", form: """
                earningRule[name]=x&earningRule[pointValue]=3&earningRule[active]=1
                """).status == .ok)
            #expect(try await api.register("C-2", email: "cache@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.available(customer) == 40)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule/\(rule)/activate", form: "active=0").status == .noContent)
            #expect(try await api.register("C-3", email: "cache@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.available(customer) == 40)
            // Another replica learns of the change by the notification.
            let cache = RuleCache()
            let storeID = try await api.storeID()
            #expect(try await cache.activeRules(storeID: storeID, loadingOn: api.pool).isEmpty)
            try await api.pool.execute("UPDATE ledger.earning_rules SET active = true")
            #expect(try await cache.activeRules(storeID: storeID, loadingOn: api.pool).isEmpty, "cached")
            cache.invalidate(storeID: storeID)
            #expect(try await cache.activeRules(storeID: storeID, loadingOn: api.pool).count == 1)
        }
    }
}
