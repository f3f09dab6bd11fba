import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Ledger invariants: no overdraft, balances equal their transfers, tenants apart")
struct InvariantTests {
    /// 100 concurrent spends of 10 against 500: exactly 50 succeed, the rest are refused, nothing is left.
    @Test func concurrentSpendsNeverOverdraw() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            try await api.add("500", to: customer)
            let results = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        let response = try await api.spend("10", from: customer)
                        return (response.status, response.text)
                    }
                }
                var all: [(HTTPResponse.Status, String)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.filter { $0.0 == .ok }.count == 50)
            let refused = results.filter { $0.0 != .ok }
            #expect(refused.count == 50)
            #expect(refused.allSatisfy { $0.0 == .badRequest && $0.1 == #"{"error":"Not enough points"}"# })
            #expect(try await api.available(customer) == 0)
            let spent = try await api.pool.query("SELECT count(*) FROM ledger.transfers WHERE type = 'spending'").scalar(Int.self)
            #expect(spent == 50)
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }

    /// A randomized mix of adds, spends, blocks, cancels, expiries, p2p transfers and unlocks, run through the
    /// ledger library for several customers; afterwards every balance equals what a simple
    /// model predicts and what the verification recomputes from the transfers.
    @Test(arguments: [1, 2, 3])
    func balancesEqualTheirTransfersAfterARandomMix(seed: UInt64) async throws {
        try await LedgerAPI.run { api in
            let storeID = try await api.storeID()
            let policy = try await api.policy()
            var customers: [UUID] = []
            for _ in 0..<4 { customers.append(try await api.customer()) }
            var generator = SeededGenerator(seed: seed)
            var model: [UUID: Amount] = Dictionary(uniqueKeysWithValues: customers.map { ($0, Amount.zero) })
            var credits: [(UUID, UUID)] = []
            var blocks: [(UUID, UUID, Amount)] = []
            for _ in 0..<150 {
                let customer = customers.randomElement(using: &generator)!
                let points = Amount(hundredths: Int64.random(in: 1...5_000, using: &generator))
                switch Int.random(in: 0..<7, using: &generator) {
                case 0, 1:
                    let id = try await api.pool.transaction { tx in
                        try await PointsLedger.credit(on: tx, storeID: storeID, customerID: customer, points: points, origin: CreditOrigin(), policy: policy, actor: nil).transferID
                    }
                    credits.append((customer, id))
                    model[customer]! += points
                case 2, 3:
                    let blocked = Bool.random(using: &generator)
                    do {
                        let id = try await api.pool.transaction { tx in
                            try await PointsLedger.debit(
                                on: tx, storeID: storeID, customerID: customer, points: points,
                                origin: DebitOrigin(state: blocked ? "blocked" : "active"), actor: nil
                            ).transferID
                        }
                        #expect(model[customer]! >= points)
                        model[customer]! -= points
                        if blocked { blocks.append((customer, id, points)) }
                    } catch PointsRefusal.notEnoughPoints {
                        #expect(model[customer]! < points)
                    }
                case 4:
                    let receiver = customers.randomElement(using: &generator)!
                    do {
                        _ = try await api.pool.transaction { tx in
                            try await PointsLedger.transfer(on: tx, storeID: storeID, sender: customer, receiver: receiver, points: points, policy: policy, actor: nil)
                        }
                        model[customer]! -= points
                        model[receiver]! += points
                    } catch PointsRefusal.notEnoughPoints {
                        #expect(model[customer]! < points)
                    } catch PointsRefusal.sameCustomer {
                        #expect(customer == receiver)
                    }
                case 5 where !blocks.isEmpty:
                    let (owner, id, value) = blocks.remove(at: Int.random(in: 0..<blocks.count, using: &generator))
                    try await api.pool.transaction { tx in try await PointsLedger.cancel(on: tx, storeID: storeID, transferID: id, actor: nil) }
                    // Points come back unless the credits they were taken from have expired meanwhile.
                    let lost = try await api.pool.query("""
                        SELECT coalesce(sum(al.amount), 0) FROM ledger.allocations al
                        JOIN ledger.transfers c ON c.store_id = al.store_id AND c.id = al.credit_id AND c.state <> 'active'
                        WHERE al.debit_id = \(id)
                        """).scalar(Amount.self)
                    model[owner]! += value - lost
                default:
                    guard !credits.isEmpty else { continue }
                    let (owner, id) = credits.remove(at: Int.random(in: 0..<credits.count, using: &generator))
                    let remaining = try await api.pool.query("SELECT remaining FROM ledger.transfers WHERE id = \(id)").scalar(Amount.self)
                    try await api.pool.transaction { tx in try await PointsLedger.expire(on: tx, storeID: storeID, transferID: id, actor: nil) }
                    model[owner]! -= remaining
                }
            }
            for customer in customers {
                #expect(try await api.available(customer) == model[customer]!, "customer \(customer)")
                #expect(model[customer]! >= .zero)
            }
            let report = try await VerificationController.report(on: api.pool, storeID: storeID)
            #expect(report.consistent, "drifts: \(report.drifts)")
        }
    }

    /// The same kinds of operations from several tasks at once on shared customers (p2p in both directions
    /// included, so deadlocks happen and are retried): every balance ends equal to the sum of the changes that
    /// succeeded, none below zero, and the journal verifies.
    @Test func concurrentRandomOperationsKeepTheLedgerExact() async throws {
        try await LedgerAPI.run { api in
            let storeID = try await api.storeID()
            let policy = try await api.policy()
            var customers: [UUID] = []
            for _ in 0..<4 { customers.append(try await api.customer()) }
            let shared = customers
            let deltas = try await withThrowingTaskGroup(of: [UUID: Amount].self) { group in
                for seed in 0..<4 {
                    group.addTask {
                        var generator = SeededGenerator(seed: UInt64(100 + seed))
                        var delta: [UUID: Amount] = [:]
                        var blocks: [(UUID, UUID, Amount)] = []
                        for _ in 0..<40 {
                            let customer = shared.randomElement(using: &generator)!
                            let points = Amount(hundredths: Int64.random(in: 1...3_000, using: &generator))
                            do {
                                switch Int.random(in: 0..<5, using: &generator) {
                                case 0, 1:
                                    _ = try await api.pool.transaction { tx in
                                        try await PointsLedger.credit(on: tx, storeID: storeID, customerID: customer, points: points, origin: CreditOrigin(), policy: policy, actor: nil)
                                    }
                                    delta[customer, default: .zero] += points
                                case 2:
                                    let blocked = Bool.random(using: &generator)
                                    let id = try await api.pool.transaction { tx in
                                        try await PointsLedger.debit(
                                            on: tx, storeID: storeID, customerID: customer, points: points,
                                            origin: DebitOrigin(state: blocked ? "blocked" : "active"), actor: nil
                                        ).transferID
                                    }
                                    delta[customer, default: .zero] -= points
                                    if blocked { blocks.append((customer, id, points)) }
                                case 3:
                                    let receiver = shared.filter { $0 != customer }.randomElement(using: &generator)!
                                    _ = try await api.pool.transaction { tx in
                                        try await PointsLedger.transfer(on: tx, storeID: storeID, sender: customer, receiver: receiver, points: points, policy: policy, actor: nil)
                                    }
                                    delta[customer, default: .zero] -= points
                                    delta[receiver, default: .zero] += points
                                default:
                                    guard !blocks.isEmpty else { continue }
                                    let (owner, id, value) = blocks.removeLast()
                                    try await api.pool.transaction { tx in try await PointsLedger.cancel(on: tx, storeID: storeID, transferID: id, actor: nil) }
                                    delta[owner, default: .zero] += value
                                }
                            } catch PointsRefusal.notEnoughPoints {
                                continue
                            }
                        }
                        return delta
                    }
                }
                return try await group.reduce(into: [UUID: Amount]()) { total, delta in
                    for (customer, amount) in delta { total[customer, default: .zero] += amount }
                }
            }
            for customer in customers {
                let available = try await api.available(customer)
                #expect(available == deltas[customer, default: .zero], "customer \(customer)")
                #expect(available >= .zero)
            }
            let report = try await VerificationController.report(on: api.pool, storeID: storeID)
            #expect(report.consistent, "drifts: \(report.drifts)")
        }
    }

    /// Nothing of store A is visible or changeable from store B.
    @Test func storesAreIsolated() async throws {
        try await LedgerAPI.run { api in
            _ = try await api.createStore("OTHER")
            let customerA = try await api.customer(email: "same@example.com")
            let customerB = try await api.customer(store: "OTHER", email: "same@example.com")
            let transfer = try await api.add("50", to: customerA)
            try await api.add("5", to: customerB, store: "OTHER")

            let listB = try await api.admin(.get, "/api/OTHER/points/transfer").object()
            #expect(listB["total"] as? Int == 1)
            #expect(try await api.admin(.get, "/api/OTHER/points/transfer?customerId=\(customerA)").object()["total"] as? Int == 0)
            #expect(try await api.admin(.post, "/api/OTHER/points/transfer/\(transfer)/cancel").status == .notFound)
            #expect(try await api.admin(.post, "/api/OTHER/points/transfer/\(transfer)/expire").status == .notFound)
            #expect(try await api.spend("1", from: customerA, store: "OTHER").status == .badRequest)
            #expect(try await api.admin(.get, "/api/OTHER/admin/customer/\(customerA)/status").status == .notFound)
            let p2p = try await api.admin(.post, "/api/OTHER/admin/p2p-points-transfer", form: "transfer[sender]=\(customerB)&transfer[receiver]=\(customerA)&transfer[points]=1")
            #expect(p2p.status == .badRequest)

            // Earning rules of A are not B's: invisible, unchangeable, and they do not pay B's transactions.
            let rule = try await api.spendingRule("10")
            #expect(try await api.admin(.get, "/api/OTHER/earningRule/\(rule)").status == .notFound)
            #expect(try await api.admin(.put, "/api/OTHER/earningRule/\(rule)", form: "earningRule[name]=x&earningRule[pointValue]=1").status == .notFound)
            #expect(try await api.admin(.post, "/api/OTHER/earningRule/\(rule)/activate", form: "active=0").status == .notFound)
            #expect(try await api.admin(.get, "/api/OTHER/earningRule").object()["total"] as? Int == 0)
            #expect(try await api.register("B-1", email: "same@example.com", items: [("A", "1")], store: "OTHER").status == .ok)
            #expect(try await api.available(customerB, store: "OTHER") == 5)

            // A customer of A cannot use B's endpoints at all.
            let tokenA = try await api.customerToken(customerA)
            #expect(try await api.send(.get, "/api/OTHER/customer/points/transfer", token: tokenA).status == .forbidden)
            #expect(try await api.available(customerA) == 50)
            #expect(try await api.available(customerB, store: "OTHER") == 5)
        }
    }
}

@Suite("Ledger verification (X-11)")
struct VerificationTests {
    @Test func verificationReportsDrift() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            try await api.add("10", to: customer)
            #expect(try await api.verify()["consistent"] as? Bool == true)
            try await api.pool.execute("UPDATE ledger.accounts SET available = available + 1")
            let report = try await api.verify()
            #expect(report["consistent"] as? Bool == false)
            let drifts = try #require(report["drifts"] as? [[String: Any]])
            #expect(drifts.first?["customerId"] as? String == customer.uuidString.lowercased())
            #expect(drifts.first?["field"] as? String == "available")
            #expect(number(drifts.first?["recorded"]) == "11")
            #expect(number(drifts.first?["computed"]) == "10")
            #expect(report["accounts"] as? Int == 1)
            let token = try await api.customerToken(customer)
            #expect(try await api.send(.get, "/api/DEFAULT/admin/ledger/verify", token: token).status == .forbidden)
        }
    }
}
