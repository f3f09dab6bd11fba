import Customers
import Foundation
import Postgres
import ServiceKit

/// Why the ledger refused a points operation. Controllers render each as the documented domain error.
enum PointsRefusal: Error, Equatable {
    case notEnoughPoints
    case transferNotFound
    case cannotCancel
    case notPending
    case notActive
    case sameCustomer

    var apiError: APIError {
        switch self {
        case .notEnoughPoints: APIError.domain("Not enough points")
        case .transferNotFound: APIError.notFound
        case .cannotCancel: APIError.domain("This transfer cannot be canceled")
        case .notPending: APIError.domain("Transfer must have state pending")
        case .notActive: APIError.domain("Transfer must have state active")
        case .sameCustomer: APIError.domain("Sender and receiver must be different customers")
        }
    }
}

/// Where a credit comes from.
struct CreditOrigin: Sendable {
    var type: String = "adding"
    var issuer: String = "admin"
    var comment: String?
    var transactionID: UUID?
    var earningRuleID: UUID?
    var invitationID: UUID?
    var counterpartID: UUID?
    /// Imports and p2p receipts are never locked, whatever the store's policy.
    var neverLocked = false
}

/// What a debit is.
struct DebitOrigin: Sendable {
    var type: String = "spending"
    var state: String = "active"
    var issuer: String = "admin"
    var comment: String?
    var transactionID: UUID?
    var revisedTransactionID: UUID?
    var counterpartID: UUID?
}

/// The balances of an account after a change.
struct Balances: Sendable {
    let available: Amount
    let locked: Amount
}

/// The points ledger: every change of a balance goes through here, inside the caller's transaction, and
/// appends its event in that same transaction.
///
/// Concurrency: a credit upserts the account row (which locks it) and adds in the same statement; a debit
/// first lowers `available` with a conditional `UPDATE … WHERE available >= amount` (the row lock orders
/// concurrent debits, and PostgreSQL re-checks the condition on the newest row version), then uses credits
/// oldest first in a second statement, whose fresh snapshot sees every debit committed before the lock.
enum PointsLedger {
    // MARK: Credits

    /// Adds points to a customer's account (creating the account on first use): an `adding` (or
    /// `p2p_adding`) transfer, `active` — or `pending` when the store locks new points. One round trip.
    @discardableResult
    static func credit(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, points: Amount, origin: CreditOrigin,
        policy: LedgerSettings, expiresAt: Date? = nil, transferID: UUID = UUID(), actor: Actor?
    ) async throws -> (transferID: UUID, state: String, balances: Balances) {
        let lockedDays = origin.neverLocked ? nil : policy.lockedDays
        let row = try await db.query("""
            WITH timing AS (
                SELECT CASE WHEN \(lockedDays)::int IS NULL THEN NULL ELSE now() + make_interval(days => \(lockedDays)::int) END AS locked_until
            ), inserted AS (
                INSERT INTO ledger.transfers (store_id, id, customer_id, type, state, value, remaining, comment, issuer,
                                              locked_until, expires_at, transaction_id, earning_rule_id, invitation_id, counterpart_customer_id)
                SELECT \(storeID), \(transferID), \(customerID), \(origin.type),
                       CASE WHEN locked_until IS NULL THEN 'active' ELSE 'pending' END, \(points),
                       CASE WHEN locked_until IS NULL THEN \(points)::numeric ELSE 0 END, \(origin.comment), \(origin.issuer),
                       locked_until,
                       coalesce(\(expiresAt)::timestamptz, ledger.points_expiry(\(policy.expiryMethod), \(policy.activeDays)::int, coalesce(locked_until, now()), \(policy.timeZone)::text)),
                       \(origin.transactionID), \(origin.earningRuleID), \(origin.invitationID), \(origin.counterpartID)
                FROM timing
                RETURNING state, value
            ), account AS (
                INSERT INTO ledger.accounts AS a (store_id, customer_id, available, locked, earned, p2p_received)
                SELECT \(storeID), \(customerID),
                       CASE WHEN state = 'active' THEN value ELSE 0 END, CASE WHEN state = 'pending' THEN value ELSE 0 END,
                       CASE WHEN \(origin.type) = 'adding' THEN value ELSE 0 END,
                       CASE WHEN \(origin.type) = 'p2p_adding' THEN value ELSE 0 END
                FROM inserted
                ON CONFLICT (store_id, customer_id) DO UPDATE SET
                    available = a.available + excluded.available, locked = a.locked + excluded.locked,
                    earned = a.earned + excluded.earned, p2p_received = a.p2p_received + excluded.p2p_received
                RETURNING available, locked
            )
            SELECT inserted.state, account.available, account.locked FROM inserted, account
            """).firstRow.orThrow(LedgerFailure("credit returned no row"))
        let state: String = try row["state"]
        let balances = Balances(available: try row["available"], locked: try row["locked"])
        try await LedgerEvents.pointsAdded(
            on: db, storeID: storeID, customerID: customerID, transferID: transferID, points: points, balances: balances,
            locked: state == "pending", p2p: origin.type == "p2p_adding", actor: actor
        )
        return (transferID, state, balances)
    }

    // MARK: Debits

    /// Takes points out of `available`: a spend, a block or the sender's side of a p2p transfer.
    /// Refuses with `notEnoughPoints` unless the account has at least `points` available.
    @discardableResult
    static func debit(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, points: Amount, origin: DebitOrigin,
        transferID: UUID = UUID(), actor: Actor?, emitEvent: Bool = true
    ) async throws -> (transferID: UUID, used: [UsedCredit], available: Amount) {
        let blocked = origin.state == "blocked"
        let rows = try await db.query("""
            UPDATE ledger.accounts SET
                available = available - \(points),
                spent = spent + CASE WHEN \(blocked) THEN 0 ELSE \(points)::numeric END,
                blocked = blocked + CASE WHEN \(blocked) THEN \(points)::numeric ELSE 0 END
            WHERE store_id = \(storeID) AND customer_id = \(customerID) AND available >= \(points)
            RETURNING available
            """)
        guard let row = rows.firstRow else { throw PointsRefusal.notEnoughPoints }
        let available: Amount = try row["available"]
        let used = try await useCredits(on: db, storeID: storeID, customerID: customerID, points: points, debitID: transferID, value: points, origin: origin)
        if emitEvent {
            try await LedgerEvents.pointsSpent(
                on: db, storeID: storeID, customerID: customerID, transferID: transferID, points: points, available: available,
                p2p: origin.type == "p2p_spending", actor: actor
            )
        }
        return (transferID, used, available)
    }

    /// A credit a debit used, and how much of it.
    struct UsedCredit: Sendable {
        let creditID: UUID
        let amount: Amount
        let expiresAt: Date?
    }

    /// Inserts the debit transfer and uses the oldest active credits for `points` of it.
    static func useCredits(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, points: Amount, debitID: UUID, value: Amount,
        origin: DebitOrigin
    ) async throws -> [UsedCredit] {
        let rows = try await db.query("""
            WITH source AS (
                SELECT id, remaining, expires_at, sum(remaining) OVER (ORDER BY created_at, id) AS running
                FROM ledger.transfers
                WHERE store_id = \(storeID) AND customer_id = \(customerID) AND state = 'active' AND remaining > 0
                  AND type IN ('adding', 'p2p_adding')
            ), take AS (
                SELECT id, expires_at, least(remaining, \(points) - (running - remaining)) AS amount
                FROM source WHERE running - remaining < \(points)
            ), debit AS (
                INSERT INTO ledger.transfers (store_id, id, customer_id, type, state, value, comment, issuer, transaction_id,
                                              revised_transaction_id, counterpart_customer_id)
                VALUES (\(storeID), \(debitID), \(customerID), \(origin.type), \(origin.state), \(value), \(origin.comment),
                        \(origin.issuer), \(origin.transactionID), \(origin.revisedTransactionID), \(origin.counterpartID))
                RETURNING id
            ), used AS (
                UPDATE ledger.transfers t SET remaining = t.remaining - take.amount
                FROM take WHERE t.store_id = \(storeID) AND t.id = take.id
                RETURNING t.id
            ), allocated AS (
                INSERT INTO ledger.allocations (store_id, debit_id, credit_id, amount)
                SELECT \(storeID), debit.id, take.id, take.amount FROM take, debit
                RETURNING credit_id
            )
            SELECT take.id, take.amount, take.expires_at,
                   (SELECT count(*) FROM used) AS used_count, (SELECT count(*) FROM allocated) AS allocated_count
            FROM take ORDER BY take.expires_at NULLS LAST
            """)
        let used = try rows.map { row in
            UsedCredit(creditID: try row["id"], amount: try row["amount"], expiresAt: try row["expires_at"])
        }
        let total = used.reduce(Amount.zero) { $0 + $1.amount }
        // The account's `available` is the sum of its credits' remaining parts: anything else is a broken ledger.
        guard total == points else {
            throw LedgerFailure("ledger drift: credits cover \(total) of \(points) for customer \(customerID)")
        }
        return used
    }

    /// Moves points between two customers of a store: a `p2p_spending` on the sender, and one `p2p_adding`
    /// on the receiver per credit used, keeping that credit's expiry (extensions §7.1).
    static func transfer(
        on db: some PostgresQueryable, storeID: UUID, sender: UUID, receiver: UUID, points: Amount, policy: LedgerSettings,
        actor: Actor?
    ) async throws -> UUID {
        guard sender != receiver else { throw PointsRefusal.sameCustomer }
        let debit = try await debit(
            on: db, storeID: storeID, customerID: sender, points: points,
            origin: DebitOrigin(type: "p2p_spending", issuer: "api", counterpartID: receiver), actor: actor
        )
        var receiverBalances: Balances?
        for credit in debit.used {
            receiverBalances = try await self.credit(
                on: db, storeID: storeID, customerID: receiver, points: credit.amount,
                origin: CreditOrigin(type: "p2p_adding", issuer: "api", counterpartID: sender, neverLocked: true), policy: policy,
                expiresAt: credit.expiresAt,
                actor: actor
            ).balances
        }
        try await LedgerEvents.append(on: db, storeID: storeID, customerID: sender, type: "PointsWereTransferred", payload: [
            "customerId": .string(sender.text), "receiverId": .string(receiver.text), "points": .amount(points),
            "availableBalance": .amount(debit.available),
            "receiverAvailableBalance": .amount(receiverBalances?.available ?? .zero),
        ], actor: actor)
        return debit.transferID
    }

    // MARK: Changes of one transfer

    /// A transfer, locked together with its account (account first, as every debit locks them).
    private static func lockTransfer(on db: some PostgresQueryable, storeID: UUID, transferID: UUID) async throws -> LockedTransfer {
        let customer = try await db.query("SELECT customer_id FROM ledger.transfers WHERE store_id = \(storeID) AND id = \(transferID)")
            .firstRow.map { try $0.decode(UUID.self, "customer_id") }.orThrow(PointsRefusal.transferNotFound)
        _ = try await db.query("SELECT 1 FROM ledger.accounts WHERE store_id = \(storeID) AND customer_id = \(customer) FOR UPDATE")
        let row = try await db.query("""
            SELECT customer_id, type, state, value, remaining FROM ledger.transfers
            WHERE store_id = \(storeID) AND id = \(transferID) FOR UPDATE
            """).firstRow.orThrow(PointsRefusal.transferNotFound)
        return LockedTransfer(
            id: transferID, customerID: try row["customer_id"], type: try row["type"], state: try row["state"],
            value: try row["value"], remaining: try row["remaining"]
        )
    }

    struct LockedTransfer {
        let id: UUID
        let customerID: UUID
        let type: String
        let state: String
        let value: Amount
        let remaining: Amount
    }

    /// Cancels an `adding` transfer (its unused part leaves the balance) or a block (its points come back).
    static func cancel(on db: some PostgresQueryable, storeID: UUID, transferID: UUID, actor: Actor?) async throws {
        let transfer = try await lockTransfer(on: db, storeID: storeID, transferID: transferID)
        let balances: Balances
        switch (transfer.type, transfer.state) {
        case ("adding", "active"), ("adding", "pending"):
            let pending = transfer.state == "pending"
            balances = try await updateAccount(on: db, storeID: storeID, customerID: transfer.customerID, set: """
                available = available - \(pending ? Amount.zero : transfer.remaining),
                locked = locked - \(pending ? transfer.value : Amount.zero)
                """)
        case ("spending", "blocked"):
            let restored = try await db.query("""
                WITH restored AS (
                    UPDATE ledger.transfers t SET remaining = t.remaining + a.amount
                    FROM ledger.allocations a
                    WHERE a.store_id = \(storeID) AND a.debit_id = \(transferID) AND t.store_id = a.store_id AND t.id = a.credit_id
                      AND t.state = 'active'
                    RETURNING a.amount
                )
                SELECT coalesce(sum(amount), 0) AS restored FROM restored
                """).scalar(Amount.self)
            balances = try await updateAccount(on: db, storeID: storeID, customerID: transfer.customerID, set: """
                available = available + \(restored), blocked = blocked - \(transfer.value)
                """)
        default:
            throw PointsRefusal.cannotCancel
        }
        try await db.execute("""
            UPDATE ledger.transfers SET state = 'canceled', canceled_at = now(), remaining = 0
            WHERE store_id = \(storeID) AND id = \(transferID)
            """)
        try await LedgerEvents.transferChanged(
            on: db, type: "PointsTransferHasBeenCanceled", storeID: storeID, transfer: transfer, available: balances.available, actor: actor
        )
    }

    /// Unlocks a pending transfer: its points become spendable (L-19, and the unlock job).
    static func activate(on db: some PostgresQueryable, storeID: UUID, transferID: UUID, actor: Actor?) async throws {
        let transfer = try await lockTransfer(on: db, storeID: storeID, transferID: transferID)
        guard transfer.state == "pending" else { throw PointsRefusal.notPending }
        try await db.execute("""
            UPDATE ledger.transfers SET state = 'active', remaining = value WHERE store_id = \(storeID) AND id = \(transferID)
            """)
        let balances = try await updateAccount(on: db, storeID: storeID, customerID: transfer.customerID, set: """
            available = available + \(transfer.value), locked = locked - \(transfer.value)
            """)
        try await LedgerEvents.transferChanged(
            on: db, type: "PointsTransferHasBeenUnlocked", storeID: storeID, transfer: transfer, available: balances.available, actor: actor
        )
    }

    /// Expires an active credit: its unused part leaves the balance (L-20, and the expiry job).
    static func expire(on db: some PostgresQueryable, storeID: UUID, transferID: UUID, actor: Actor?) async throws {
        let transfer = try await lockTransfer(on: db, storeID: storeID, transferID: transferID)
        guard transfer.state == "active", transfer.type == "adding" || transfer.type == "p2p_adding" else { throw PointsRefusal.notActive }
        try await db.execute("""
            UPDATE ledger.transfers SET state = 'expired', expired_at = now(), expired_amount = remaining, remaining = 0
            WHERE store_id = \(storeID) AND id = \(transferID)
            """)
        let balances = try await updateAccount(on: db, storeID: storeID, customerID: transfer.customerID, set: """
            available = available - \(transfer.remaining), expired = expired + \(transfer.remaining)
            """)
        try await LedgerEvents.transferChanged(
            on: db, type: "PointsTransferHasBeenExpired", storeID: storeID, transfer: transfer, available: balances.available,
            points: transfer.remaining, actor: actor
        )
    }

    /// Expires every active and pending credit of the customer ("reset points" at a periodic level
    /// recalculation, extensions §7.2): one `PointsTransferHasBeenExpired` per transfer, then
    /// `PointsHasBeenReset`. Returns how many points left the account.
    @discardableResult
    static func reset(on db: some PostgresQueryable, storeID: UUID, customerID: UUID, actor: Actor?) async throws -> Amount {
        guard try await db.query("""
            SELECT 1 FROM ledger.accounts WHERE store_id = \(storeID) AND customer_id = \(customerID) FOR UPDATE
            """).firstRow != nil else { return .zero }
        let rows = try await db.query("""
            WITH target AS (
                SELECT id, state, CASE WHEN state = 'pending' THEN value ELSE remaining END AS amount
                FROM ledger.transfers
                WHERE store_id = \(storeID) AND customer_id = \(customerID) AND type IN ('adding', 'p2p_adding')
                  AND state IN ('active', 'pending')
                FOR UPDATE
            ), updated AS (
                UPDATE ledger.transfers t SET state = 'expired', expired_at = now(), expired_amount = target.amount, remaining = 0
                FROM target WHERE t.store_id = \(storeID) AND t.id = target.id
                RETURNING t.id
            )
            SELECT target.id, target.state, target.amount, (SELECT count(*) FROM updated) AS updated FROM target ORDER BY target.id
            """)
        var fromAvailable = Amount.zero, fromLocked = Amount.zero
        var expired: [(UUID, Amount)] = []
        for row in rows {
            let amount: Amount = try row["amount"]
            if try row.decode(String.self, "state") == "pending" { fromLocked += amount } else { fromAvailable += amount }
            expired.append((try row["id"], amount))
        }
        let balances = try await updateAccount(on: db, storeID: storeID, customerID: customerID, set: """
            available = available - \(fromAvailable), locked = locked - \(fromLocked), expired = expired + \(fromAvailable + fromLocked)
            """)
        for (id, amount) in expired {
            try await LedgerEvents.append(on: db, storeID: storeID, customerID: customerID, type: "PointsTransferHasBeenExpired", payload: [
                "customerId": .string(customerID.text), "transferId": .string(id.text), "points": .amount(amount),
                "availableBalance": .amount(balances.available),
            ], actor: actor)
        }
        try await LedgerEvents.append(on: db, storeID: storeID, customerID: customerID, type: "PointsHasBeenReset", payload: [
            "customerId": .string(customerID.text), "points": .amount(fromAvailable + fromLocked), "availableBalance": .amount(balances.available),
        ], actor: actor)
        return fromAvailable + fromLocked
    }

    private static func updateAccount(on db: some PostgresQueryable, storeID: UUID, customerID: UUID, set: SQL) async throws -> Balances {
        let row = try await db.query("""
            UPDATE ledger.accounts SET \(set) WHERE store_id = \(storeID) AND customer_id = \(customerID) RETURNING available, locked
            """).firstRow.orThrow(PointsRefusal.transferNotFound)
        return Balances(available: try row["available"], locked: try row["locked"])
    }
}

/// An internal inconsistency of the ledger: the transaction is rolled back and the request fails with 500.
struct LedgerFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
