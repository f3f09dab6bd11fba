import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Labels (L-35…L-40), simulation (L-41), histogram (L-22) and analytics (EP-10, EP-12)")
struct LabelsSimulationAnalyticsTests {
    @Test func labelsAreReplacedAppendedAndRemoved() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "l@example.com")
            let id = try #require(try await api.register("L-1", email: "l@example.com", items: [("A", "1")]).object()["transactionId"] as? String)
            let replaced = try await api.admin(.post, "/api/DEFAULT/admin/transaction/labels", form: """
                transaction_labels[transactionId]=\(id)&transaction_labels[label][0][key]=a&transaction_labels[label][0][value]=1
                """)
            #expect(replaced.text == #"{"transactionId":"\#(id)"}"#)
            #expect(try await api.admin(.patch, "/api/DEFAULT/admin/transaction/labels", form: "append[transactionDocumentNumber]=L-1&append[labels][0][key]=b&append[labels][0][value]=2").status == .ok)
            #expect(try await api.admin(.put, "/api/DEFAULT/transaction/\(id)/label", json: #"{"labels":[{"key":"keyA","value":"valueA"}]}"#).status == .noContent)
            let token = try await api.customerToken(customer)
            #expect(try await api.send(.patch, "/api/DEFAULT/customer/transaction/labels", token: token, form: "append[transactionDocumentNumber]=L-1&append[labels][0][key]=c&append[labels][0][value]=3").status == .ok)
            #expect(try await api.admin(.delete, "/api/DEFAULT/transaction/\(id)/label", json: #"{"labels":[{"key":"b","value":"2"}]}"#).status == .noContent)
            let labels = try #require(try await api.transaction(id)["labels"] as? [[String: String]])
            #expect(labels == [["key": "a", "value": "1"], ["key": "keyA", "value": "valueA"], ["key": "c", "value": "3"]])
            #expect(try await api.admin(.get, "/api/DEFAULT/transaction?labels[0][key]=keyA&labels[0][value]=valueA").object()["total"] as? Int == 1)
            #expect(try await api.admin(.get, "/api/DEFAULT/transaction?labels[0][key]=c").object()["total"] as? Int == 1)
            #expect(try await api.admin(.get, "/api/DEFAULT/transaction?labels[0][key]=zzz").object()["total"] as? Int == 0)

            // Someone else's transaction is not the customer's to label.
            #expect(try await api.register("L-2", items: [("A", "1")]).status == .ok)
            #expect(try await api.send(.patch, "/api/DEFAULT/customer/transaction/labels", token: token, form: "append[transactionDocumentNumber]=L-2&append[labels][0][key]=c").status == .notFound)
            let items = try await api.admin(.get, "/api/DEFAULT/transaction/item/labels")
            #expect(items.text == #"{"labels":{"color":["red"]}}"#)
        }
    }

    @Test func simulationComputesWithoutWriting() async throws {
        try await LedgerAPI.run { api in
            try await api.customer(email: "sim@example.com")
            try await api.spendingRule("2.3")
            let before = try await api.pool.query("SELECT count(*) FROM suite.events").scalar(Int.self)
            let simulated = try await api.admin(.post, "/api/DEFAULT/transaction/simulate", form: """
                transaction[items][0][sku][code]=SKU1&transaction[items][0][name]=x&transaction[items][0][quantity]=1\
                &transaction[items][0][grossValue]=1&transaction[items][0][category]=c&transaction[items][0][maker]=m\
                &transaction[items][0][labels][0]=labels&transaction[purchaseDate]=2022-02-20T09:45:04%2B0100\
                &transaction[customerData][name]=Jane&transaction[customerData][email]=sim@example.com
                """)
            #expect(simulated.text == #"{"points":2.3}"#)
            #expect(try await api.pool.query("SELECT count(*) FROM ledger.transactions").scalar(Int.self) == 0)
            #expect(try await api.pool.query("SELECT count(*) FROM ledger.transfers").scalar(Int.self) == 0)
            #expect(try await api.pool.query("SELECT count(*) FROM suite.events").scalar(Int.self) == before)
        }
    }

    @Test func histogramAndAnalytics() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "h@example.com")
            try await api.add("10", to: customer)
            try await api.add("5.5", to: customer)
            #expect(try await api.spend("3", from: customer).status == .ok)
            let today = Timestamp.day(of: Date()).description
            let earned = try await api.admin(.get, "/api/DEFAULT/points/transfers").object()
            #expect(earned.count == 30)
            #expect(number(earned[today]) == "15.5")
            let spent = try await api.admin(.get, "/api/DEFAULT/points/transfers?pointType=spent&lastDays=7").object()
            #expect(spent.count == 7)
            #expect(number(spent[today]) == "3")
            let months = try await api.admin(.get, "/api/DEFAULT/points/transfers?interval=month&lastDays=1&futureDays=40&pointType=expired").object()
            #expect(months.values.compactMap(number).reduce(Amount.zero) { $0 + Amount(exactly: $1)! } == Amount(exactly: "12.5"))
            #expect(try await api.admin(.get, "/api/DEFAULT/points/transfers?interval=week").status == .badRequest)

            #expect(try await api.admin(.get, "/api/DEFAULT/admin/analytics/points").text == #"{"totalPointsSpent":3,"totalSpendingTransfers":1}"#)
            #expect(try await api.register("A-1", email: "h@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.register("A-2", items: [("A", "4.5")]).status == .ok)
            let all = try await api.admin(.get, "/api/DEFAULT/admin/analytics/transactions").object()
            #expect(all["total"] as? Int == 2)
            #expect(number(all["amount"]) == "14.5")
            #expect((all["countIntervals"] as? [String: Int])?["in_365_days"] == 0, "purchase dates of 2024 are older than a year")
            #expect(all["currency"] as? String == "EUR")
            let assigned = try await api.admin(.get, "/api/DEFAULT/admin/analytics/transactions?excludeCustomersWithoutTransaction=1").object()
            #expect(assigned["total"] as? Int == 1)
        }
    }
}
