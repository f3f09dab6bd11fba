import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Points transfers (L-01, L-02, L-14…L-20, L-23) and customer status")
struct PointsTransferTests {
    @Test func addSpendBlockCancelAndStatus() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "jane@example.com", phone: "48123", card: "CARD1")
            let added = try await api.add("100", to: customer)
            let second = try await api.add("6.9", to: customer)
            #expect(try await api.spend("30.5", from: customer).status == .ok)

            let block = try await api.admin(.post, "/api/DEFAULT/points/transfer/block", form: "transfer[customer]=\(customer)&transfer[points]=20&transfer[comment]=hold")
            #expect(block.status == .ok)
            let blockID = try #require(try block.object()["pointsTransferId"] as? String)
            var status = try await api.status(customer)
            #expect(number(status["points"]) == "56.4")
            #expect(number(status["totalEarnedPoints"]) == "106.9")
            #expect(number(status["usedPoints"]) == "30.5")
            #expect(number(status["blockedPoints"]) == "20")
            #expect(status["currency"] as? String == "eur")

            // Unblocking returns the points; cancelling an adding transfer removes what is left of it.
            #expect(try await api.admin(.post, "/api/DEFAULT/points/transfer/\(blockID)/cancel").status == .ok)
            #expect(try await api.available(customer) == Amount(exactly: "76.4"))
            #expect(try await api.admin(.post, "/api/DEFAULT/points/transfer/\(second)/cancel").status == .ok)
            #expect(try await api.available(customer) == Amount(exactly: "76.4")! - Amount(exactly: "6.9")!)
            let again = try await api.admin(.post, "/api/DEFAULT/points/transfer/\(second)/cancel")
            #expect(again.status == .badRequest)
            #expect(again.text == #"{"error":"This transfer cannot be canceled"}"#)
            _ = added

            status = try await api.status(customer)
            #expect(number(status["points"]) == "69.5")
            #expect(number(status["blockedPoints"]) == "0")

            let list = try await api.admin(.get, "/api/DEFAULT/points/transfer?customerId=\(customer)&sort=createdAt&direction=ASC")
            let object = try list.object()
            #expect(object["total"] as? Int == 4)
            let transfers = try #require(object["transfers"] as? [[String: Any]])
            #expect(transfers.map { $0["type"] as? String } == ["adding", "adding", "spending", "spending"])
            #expect(transfers.map { $0["state"] as? String } == ["active", "canceled", "active", "canceled"])
            #expect(transfers[0]["customerEmail"] as? String == "jane@example.com")
            #expect(transfers[0]["customerLoyaltyCardNumber"] as? String == "CARD1")
            #expect(transfers[0]["issuer"] as? String == "admin")
            #expect(transfers[0]["expiresAt"] as? String != nil)
            #expect((transfers[0]["store"] as? [String: Any])?["code"] as? String == "DEFAULT")
            #expect(transfers[3]["comment"] as? String == "hold")

            let spendings = try await api.admin(.get, "/api/DEFAULT/points/transfer?type=spending&state[]=active").object()
            #expect(spendings["total"] as? Int == 1)
            let byEmail = try await api.admin(.get, "/api/DEFAULT/points/transfer?customerEmail=JANE").object()
            #expect(byEmail["total"] as? Int == 4)

            #expect(try await api.eventTypes() == [
                "PointsWereAdded", "PointsWereAdded", "PointsWereSpent", "PointsWereSpent", "PointsTransferHasBeenCanceled",
                "PointsTransferHasBeenCanceled",
            ])
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }

    @Test func spendingMoreThanAvailableIsRefused() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            try await api.add("10", to: customer)
            let refused = try await api.spend("10.01", from: customer)
            #expect(refused.status == .badRequest)
            #expect(refused.text == #"{"error":"Not enough points"}"#)
            let unknown = try await api.spend("1", from: UUID())
            #expect(unknown.text == #"{"form":{"children":{"customer":{"errors":["Customer does not exist."]},"points":{},"comment":{}}},"errors":[]}"#)
            let invalid = try await api.admin(.post, "/api/DEFAULT/points/transfer/add", form: "transfer[customer]=x&transfer[points]=-1")
            #expect(invalid.text == #"{"form":{"children":{"customer":{"errors":["This value is not valid."]},"points":{"errors":["This value should be greater than 0."]},"comment":{}}},"errors":[]}"#)
            let tooPrecise = try await api.admin(.post, "/api/DEFAULT/points/transfer/add", form: "transfer[customer]=\(customer)&transfer[points]=1.005")
            #expect(tooPrecise.status == .badRequest)
            #expect(try await api.available(customer) == 10)
        }
    }

    @Test func pendingPointsUnlockAfterTheConfiguredDays() async throws {
        try await LedgerAPI.run { api in
            try await api.settings(#"{"allTimeNotLocked": false, "pointsDaysLocked": 3, "pointsDaysActiveCount": 30}"#)
            let customer = try await api.customer()
            let pending = try await api.add("40", to: customer)
            var status = try await api.status(customer)
            #expect(number(status["points"]) == "0")
            #expect(number(status["lockedPoints"]) == "40")
            #expect(try await api.spend("1", from: customer).status == .badRequest)

            let row = try await api.pool.query("""
                SELECT state, extract(epoch FROM locked_until - created_at)::int AS lock, expires_at AT TIME ZONE 'Europe/Warsaw' AS expires,
                       (date_trunc('day', locked_until AT TIME ZONE 'Europe/Warsaw') + interval '30 days 23:59:59') AS expected
                FROM ledger.transfers WHERE id = \(pending)::uuid
                """).firstRow
            #expect(try row?.decode(String.self, "state") == "pending")
            #expect(try row?.decode(Int.self, "lock") == 3 * 86_400)
            #expect(try row?.decode(String.self, "expires") == (try row?.decode(String.self, "expected")))

            // Not yet due: nothing happens. Due: unlocked by the job, exactly once.
            #expect(try await PointsScheduler.unlockDue(pool: api.pool) == 0)
            try await api.pool.execute("UPDATE ledger.transfers SET locked_until = now() - interval '1 second' WHERE id = \(pending)::uuid")
            #expect(try await PointsScheduler.unlockDue(pool: api.pool) == 1)
            #expect(try await PointsScheduler.unlockDue(pool: api.pool) == 0)
            status = try await api.status(customer)
            #expect(number(status["points"]) == "40")
            #expect(number(status["lockedPoints"]) == "0")

            // Manual activation only from pending.
            let refused = try await api.admin(.post, "/api/DEFAULT/points/transfer/\(pending)/activate")
            #expect(refused.text == #"{"error":"Transfer must have state pending"}"#)
            let other = try await api.add("5", to: customer)
            #expect(try await api.admin(.post, "/api/DEFAULT/points/transfer/\(other)/activate").status == .noContent)
            #expect(try await api.available(customer) == 45)
            #expect(try await api.eventTypes().filter { $0 == "PointsTransferHasBeenUnlocked" }.count == 2)
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }

    /// Worked example: 100 earned on day 1, 50 on day 2; 120 spent uses the oldest first (100 + 20), so
    /// when the second credit expires exactly its unused 30 expire.
    @Test func expiryTakesTheUnusedPartOfTheOldestCredits() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            let first = try await api.add("100", to: customer)
            let second = try await api.add("50", to: customer)
            try await api.pool.execute("UPDATE ledger.transfers SET created_at = created_at - interval '1 day' WHERE id = \(first)::uuid")
            #expect(try await api.spend("120", from: customer).status == .ok)
            try await api.pool.execute("UPDATE ledger.transfers SET expires_at = now() - interval '1 second' WHERE id IN (\(first)::uuid, \(second)::uuid)")
            #expect(try await PointsScheduler.expireDue(pool: api.pool) == 2)
            let status = try await api.status(customer)
            #expect(number(status["points"]) == "0")
            #expect(number(status["expiredPoints"]) == "30")
            #expect(number(status["usedPoints"]) == "120")
            let expired = try await api.admin(.get, "/api/DEFAULT/points/transfer?state[]=expired").object()
            #expect(expired["total"] as? Int == 2)
            let manual = try await api.admin(.post, "/api/DEFAULT/points/transfer/\(second)/expire")
            #expect(manual.text == #"{"error":"Transfer must have state active"}"#)

            let third = try await api.add("7", to: customer)
            #expect(try await api.admin(.post, "/api/DEFAULT/points/transfer/\(third)/expire").status == .noContent)
            let expiredAt = try await api.pool.query("SELECT expired_at IS NOT NULL FROM ledger.transfers WHERE id = \(third)::uuid").scalar(Bool.self)
            #expect(expiredAt)
            #expect(number(try await api.status(customer)["expiredPoints"]) == "37")
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }

    @Test func expiringNextMonthBreakdown() async throws {
        try await LedgerAPI.run { api in
            try await api.settings(#"{"pointsDaysActiveCount": 10}"#)
            let customer = try await api.customer()
            try await api.add("12.5", to: customer)
            let status = try await api.status(customer)
            #expect(number(status["pointsExpiringNextMonth"]) == "12.5")
            let breakdown = try #require(status["pointsExpiringBreakdown"] as? [String: Any])
            #expect(breakdown.count == 1)
        }
    }

    @Test func peerToPeerTransfersMoveCreditsWithTheirExpiry() async throws {
        try await LedgerAPI.run { api in
            let sender = try await api.customer(email: "sender@example.com")
            let receiver = try await api.customer(email: "receiver@example.com", phone: "+48600100200")
            try await api.add("30", to: sender)
            let admin = try await api.admin(.post, "/api/DEFAULT/admin/p2p-points-transfer", form: "transfer[sender]=sender@example.com&transfer[receiver]=%2B48600100200&transfer[points]=10")
            #expect(admin.status == .ok, "\(admin.text)")
            let token = try await api.customerToken(sender)
            let own = try await api.send(.post, "/api/DEFAULT/customer/points/p2p-transfer", token: token, form: "transfer[receiver]=\(receiver)&transfer[points]=15")
            #expect(own.status == .ok, "\(own.text)")
            let tooMuch = try await api.send(.post, "/api/DEFAULT/customer/points/p2p-transfer", token: token, form: "transfer[receiver]=\(receiver)&transfer[points]=6")
            #expect(tooMuch.text == #"{"error":"Not enough points"}"#)
            let toSelf = try await api.send(.post, "/api/DEFAULT/customer/points/p2p-transfer", token: token, form: "transfer[receiver]=\(sender)&transfer[points]=1")
            #expect(toSelf.status == .badRequest)
            #expect(try await api.available(sender) == 5)
            #expect(try await api.available(receiver) == 25)
            let receiverStatus = try await api.status(receiver)
            #expect(number(receiverStatus["p2pPoints"]) == "25")
            let expiries = try await api.pool.query("SELECT DISTINCT expires_at FROM ledger.transfers WHERE type IN ('adding', 'p2p_adding')").count
            #expect(expiries == 1, "received points keep the expiry of the points they came from")

            let mine = try await api.send(.get, "/api/DEFAULT/customer/points/transfer?type=p2p_spending", token: token).object()
            #expect(mine["total"] as? Int == 2)
            let receiverToken = try await api.customerToken(receiver)
            let theirs = try await api.send(.get, "/api/DEFAULT/customer/points/transfer", token: receiverToken).object()
            let items = try #require(theirs["transfers"] as? [[String: Any]])
            #expect(items.allSatisfy { $0["type"] as? String == "p2p_adding" && $0["senderId"] as? String == sender.uuidString.lowercased() })
            #expect(try await api.eventTypes().filter { $0 == "PointsWereTransferred" }.count == 2)
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }

    @Test func rolesAreChecked() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            let token = try await api.customerToken(customer)
            #expect(try await api.send(.post, "/api/DEFAULT/points/transfer/add", form: "transfer[customer]=\(customer)&transfer[points]=1").status == .unauthorized)
            #expect(try await api.send(.post, "/api/DEFAULT/points/transfer/add", token: token, form: "transfer[customer]=\(customer)&transfer[points]=1").status == .forbidden)
            #expect(try await api.send(.get, "/api/DEFAULT/customer/customer/\(customer)/status", token: token).status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/customer/customer/\(UUID())/status", token: token).status == .forbidden)
            let seller = try await api.sellerToken()
            #expect(try await api.send(.get, "/api/DEFAULT/seller/customer/\(customer)/status", token: seller).status == .ok)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer/\(UUID())/status").status == .notFound)
        }
    }
}

@Suite("Scheduled jobs on several replicas")
struct SchedulerTests {
    /// Two replicas running the expiry job at once expire each due transfer exactly once.
    @Test func concurrentExpiryRunsExpireEachTransferOnce() async throws {
        try await LedgerAPI.run { api in
            var customers: [UUID] = []
            for _ in 0..<20 {
                let customer = try await api.customer()
                customers.append(customer)
                try await api.add("10", to: customer)
                try await api.add("5", to: customer)
            }
            try await api.pool.execute("UPDATE ledger.transfers SET expires_at = now() - interval '1 minute'")
            let other = PostgresPool(configuration: api.runtime.configuration.database, size: 4, acquireTimeout: .seconds(5))
            async let first = PointsScheduler.expireDue(pool: api.pool)
            async let second = PointsScheduler.expireDue(pool: other)
            let total = try await first + second
            await other.shutdown()
            #expect(total == 40)
            #expect(try await api.pool.query("SELECT count(*) FROM suite.events WHERE type = 'PointsTransferHasBeenExpired'").scalar(Int.self) == 40)
            for customer in customers { #expect(try await api.available(customer) == 0) }
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }
}

@Suite("Points reset at a level recalculation")
struct PointsResetTests {
    @Test func aRecalculationWithResetExpiresActiveAndPendingPoints() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            try await api.add("100", to: customer)
            #expect(try await api.spend("30", from: customer).status == .ok)
            try await api.settings(#"{"allTimeNotLocked": false, "pointsDaysLocked": 5}"#)
            try await api.add("20", to: customer)
            let storeID = try await api.storeID()
            for reset in [false, true] {
                try await EventLog.append(NewEvent(
                    storeID: storeID, aggregateType: "customer", aggregateID: customer.uuidString.lowercased(), type: "CustomerLevelWasRecalculated",
                    payload: JSONB(text: #"{"customerId":"\#(customer.uuidString.lowercased())","levelId":null,"resetPoints":\#(reset)}"#)
                ), on: api.pool)
            }
            await SignUpReaction.consumer(api.runtime).drain()
            try await api.waitUntilHandled(consumer: SignUpReaction.consumerName)
            let status = try await api.status(customer)
            #expect(number(status["points"]) == "0")
            #expect(number(status["lockedPoints"]) == "0")
            #expect(number(status["expiredPoints"]) == "90")
            #expect(try await api.eventTypes().filter { $0 == "PointsHasBeenReset" }.count == 1)
            #expect(try await api.verify()["consistent"] as? Bool == true)
        }
    }
}
