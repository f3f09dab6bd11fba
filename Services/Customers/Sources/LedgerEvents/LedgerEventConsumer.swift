import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Keeps the customers' points and transactions read model from the ledger's events and recalculates
/// their levels (extensions §1.5), woken by NOTIFY as soon as the event commits.
struct LedgerEventConsumer: Sendable {
    static let name = "customers.levels"

    let runtime: ServiceRuntime
    let customers = CustomerRepository()
    let settings = SettingsRepository()
    let pos = PosRepository()
    let invitations = InvitationRepository()
    let mover = LevelMover()

    var consumer: EventConsumer {
        EventConsumer(name: Self.name, eventTypes: LedgerEvent.pointsEvents + LedgerEvent.transactionEvents, runtime: runtime) { event, tx in
            try await handle(event, on: tx)
        }
    }

    func handle(_ event: StoredEvent, on tx: PostgresSession) async throws {
        guard let storeID = event.storeID, let store = try await runtime.stores.activeStore(id: storeID) else { return }
        if event.type == LedgerEvent.transactionRegistered {
            let payload = try TransactionPayload(event.payload)
            if let posID = payload.posId { try await pos.addTransaction(on: tx, storeID: storeID, id: posID, amount: payload.grossValue ?? .zero) }
            return
        }
        let program = try await settings.load(on: tx, storeID: storeID, currency: store.currency)
        if event.type == LedgerEvent.customerAssignedToTransaction {
            try await transaction(try TransactionPayload(event.payload), of: event, storeID: storeID, program: program, on: tx)
        } else {
            try await points(event, storeID: storeID, program: program, on: tx)
        }
    }

    /// Points: the balance after the change (newest event wins), the points earned since the last level
    /// change, and the level in points mode (locked additions wait for their unlock).
    private func points(_ event: StoredEvent, storeID: UUID, program: ProgramSettings, on tx: PostgresSession) async throws {
        let payload = try PointsPayload(event.payload)
        let earned = event.type == LedgerEvent.pointsAdded && payload.locked != true && payload.p2p != true ? (payload.points ?? .zero) : .zero
        try await applyBalance(payload.customerId, balance: payload.availableBalance, earned: earned, eventID: event.id, storeID: storeID, on: tx)
        if event.type == LedgerEvent.pointsTransferred, let receiver = payload.receiverId {
            try await applyBalance(receiver, balance: payload.receiverAvailableBalance, earned: .zero, eventID: event.id, storeID: storeID, on: tx)
            try await recalculate(receiver, trigger: .points, storeID: storeID, program: program, on: tx)
        }
        let lockedAddition = event.type == LedgerEvent.pointsAdded && payload.locked == true
        if program.tierAssignType == .points && !lockedAddition {
            try await recalculate(payload.customerId, trigger: .points, storeID: storeID, program: program, on: tx)
        }
    }

    private func applyBalance(_ customer: UUID, balance: Amount?, earned: Amount, eventID: Int64, storeID: UUID, on tx: PostgresSession) async throws {
        try await tx.execute("""
            UPDATE customers.customers SET
                available_points = CASE WHEN \(balance)::numeric IS NOT NULL AND points_event_id < \(eventID) THEN \(balance)::numeric ELSE available_points END,
                points_event_id = greatest(points_event_id, \(eventID)),
                earned_points_since_recalculation = earned_points_since_recalculation + \(earned)
            WHERE store_id = \(storeID) AND id = \(customer)
            """)
    }

    /// A transaction of the customer: the purchase facts (for segments) and the totals, then the level in
    /// transactions mode. A repeated event changes nothing.
    private func transaction(
        _ payload: TransactionPayload, of event: StoredEvent, storeID: UUID, program: ProgramSettings, on tx: PostgresSession
    ) async throws {
        guard let customerID = payload.customerId else { return }
        let date = payload.purchaseDate.flatMap(Timestamps.parseDateTime) ?? Date()
        // Stored only for a live customer, once: nothing inserted means a deleted customer or a repeated event.
        let inserted = try await tx.execute("""
            INSERT INTO customers.customer_transactions (store_id, transaction_id, customer_id, pos_id, document_type, purchase_date, gross_value, items)
            SELECT \(storeID), \(payload.transactionId), \(customerID), \(payload.posId), \(payload.documentType ?? "sell"), \(date),
                   \(payload.grossValue ?? .zero), coalesce(\(event.payload)::jsonb -> 'items', '[]')
            WHERE EXISTS (SELECT 1 FROM customers.customers WHERE store_id = \(storeID) AND id = \(customerID) AND status <> 'deleted')
            ON CONFLICT (store_id, transaction_id) DO NOTHING
            """)
        guard inserted > 0 else { return }
        try await TransactionTotals(payload: payload, date: date).apply(customer: customerID, storeID: storeID, on: tx)
        if !payload.isReturn { _ = try await invitations.markPurchase(on: tx, storeID: storeID, recipient: customerID) }
        if program.tierAssignType == .transactions {
            try await recalculate(customerID, trigger: .transactions, storeID: storeID, program: program, on: tx)
        }
        // Purchase criteria read the transaction just stored: re-evaluate the customer's segments here, in order.
        try await SegmentMembership().recalculate(customer: customerID, storeID: storeID, change: .system, on: tx)
    }

    private func recalculate(
        _ id: UUID, trigger: LevelAssignment.Trigger, storeID: UUID, program: ProgramSettings, on tx: PostgresSession
    ) async throws {
        guard var customer = try await customers.find(on: tx, storeID: storeID, id: id, lock: true) else { return }
        try await mover.recalculate(&customer, trigger: trigger, settings: program, change: .system, on: tx)
    }
}

/// How a transaction changes a customer's totals: set from the ledger's `totals` when sent, otherwise
/// added (a sale) or subtracted, floored at zero (a return).
struct TransactionTotals: Sendable {
    let payload: TransactionPayload
    let date: Date

    func apply(customer: UUID, storeID: UUID, on tx: some PostgresQueryable) async throws {
        if let totals = payload.totals {
            let last = totals.lastTransactionDate.flatMap(Timestamps.parseDateTime)
            try await tx.execute("""
                UPDATE customers.customers SET transactions_count = \(totals.transactionsCount),
                    transactions_amount = \(totals.transactionsAmount),
                    transactions_amount_without_delivery = \(totals.transactionsAmountWithoutDeliveryCosts ?? totals.transactionsAmount),
                    amount_excluded_for_level = \(totals.amountExcludedForLevel ?? .zero),
                    last_transaction_date = coalesce(\(last), last_transaction_date)
                WHERE store_id = \(storeID) AND id = \(customer)
                """)
            return
        }
        let sign = payload.isReturn ? -1 : 1
        let gross = signed(payload.grossValue ?? .zero, sign)
        let withoutDelivery = signed(payload.grossValueWithoutDeliveryCosts ?? payload.grossValue ?? .zero, sign)
        let excluded = signed(payload.amountExcludedForLevel ?? .zero, sign)
        try await tx.execute("""
            UPDATE customers.customers SET transactions_count = transactions_count + \(payload.isReturn ? 0 : 1),
                transactions_amount = greatest(0, transactions_amount + \(gross)),
                transactions_amount_without_delivery = greatest(0, transactions_amount_without_delivery + \(withoutDelivery)),
                amount_excluded_for_level = greatest(0, amount_excluded_for_level + \(excluded)),
                last_transaction_date = CASE WHEN \(payload.isReturn) THEN last_transaction_date
                                             ELSE greatest(coalesce(last_transaction_date, \(date)), \(date)) END
            WHERE store_id = \(storeID) AND id = \(customer)
            """)
    }

    private func signed(_ amount: Amount, _ sign: Int) -> Amount { sign < 0 ? -amount : amount }
}
