import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The events the ledger appends that the customers service reacts to (decision customers §LE). Every
/// payload names the customer as `customerId` (a UUID string); amounts are JSON numbers.
///
/// - Points: `PointsWereAdded` `{customerId, transferId, points, availableBalance, locked, p2p}`,
///   `PointsWereSpent`, `PointsTransferHasBeenExpired`, `PointsTransferHasBeenCanceled`,
///   `PointsTransferHasBeenUnlocked`, `PointsHasBeenReset` `{customerId, transferId?, points?, availableBalance}`,
///   `PointsWereTransferred` `{customerId, receiverId?, points, availableBalance, receiverAvailableBalance?}`.
///   `availableBalance` is the customer's spendable balance after the change.
/// - Transactions: `CustomerWasAssignedToTransaction` `{customerId, transactionId, documentType (sell|return),
///   grossValue, grossValueWithoutDeliveryCosts?, amountExcludedForLevel?, purchaseDate, posId?, items?: [{sku,
///   maker?, category?, grossValue?, labels?: [{key, value}]}], totals?: {transactionsCount, transactionsAmount,
///   transactionsAmountWithoutDeliveryCosts, amountExcludedForLevel, lastTransactionDate}}`;
///   `TransactionWasRegistered` `{transactionId, posId?, grossValue, documentType}` (POS statistics).
enum LedgerEvent {
    static let pointsAdded = "PointsWereAdded"
    static let pointsSpent = "PointsWereSpent"
    static let pointsTransferred = "PointsWereTransferred"
    static let transferExpired = "PointsTransferHasBeenExpired"
    static let transferCanceled = "PointsTransferHasBeenCanceled"
    static let transferUnlocked = "PointsTransferHasBeenUnlocked"
    static let pointsReset = "PointsHasBeenReset"
    static let customerAssignedToTransaction = "CustomerWasAssignedToTransaction"
    static let transactionRegistered = "TransactionWasRegistered"

    static let pointsEvents = [pointsAdded, pointsSpent, pointsTransferred, transferExpired, transferCanceled, transferUnlocked, pointsReset]
    static let transactionEvents = [customerAssignedToTransaction, transactionRegistered]
}

/// A points event's payload.
struct PointsPayload: Sendable {
    let customerId: UUID
    let points: Amount?
    let availableBalance: Amount?
    let locked: Bool?
    let p2p: Bool?
    let receiverId: UUID?
    let receiverAvailableBalance: Amount?

    init(_ payload: JSONB) throws {
        let json = try EventPayload(payload)
        customerId = try json.uuid("customerId").orThrow(EventPayload.Missing(field: "customerId"))
        points = json.amount("points")
        availableBalance = json.amount("availableBalance")
        locked = json.value["locked"]?.bool
        p2p = json.value["p2p"]?.bool
        receiverId = json.uuid("receiverId")
        receiverAvailableBalance = json.amount("receiverAvailableBalance")
    }
}

/// A transaction event's payload. Its `items` are not read: they are stored as the event carries them.
struct TransactionPayload: Sendable {
    struct Totals: Sendable {
        let transactionsCount: Int
        let transactionsAmount: Amount
        let transactionsAmountWithoutDeliveryCosts: Amount?
        let amountExcludedForLevel: Amount?
        let lastTransactionDate: String?
    }

    let customerId: UUID?
    let transactionId: UUID
    let documentType: String?
    let grossValue: Amount?
    let grossValueWithoutDeliveryCosts: Amount?
    let amountExcludedForLevel: Amount?
    let purchaseDate: String?
    let posId: UUID?
    let totals: Totals?

    var isReturn: Bool { documentType == "return" }

    init(_ payload: JSONB) throws {
        let json = try EventPayload(payload)
        customerId = json.uuid("customerId")
        transactionId = try json.uuid("transactionId").orThrow(EventPayload.Missing(field: "transactionId"))
        documentType = json.value["documentType"]?.string
        grossValue = json.amount("grossValue")
        grossValueWithoutDeliveryCosts = json.amount("grossValueWithoutDeliveryCosts")
        amountExcludedForLevel = json.amount("amountExcludedForLevel")
        purchaseDate = json.value["purchaseDate"]?.string
        posId = json.uuid("posId")
        totals = try json.value["totals"].flatMap { totals -> Totals? in
            guard case .map = totals else { return nil }
            let nested = EventPayload(value: totals)
            return Totals(
                transactionsCount: try totals["transactionsCount"]?.int.orThrow(EventPayload.Missing(field: "totals.transactionsCount")) ?? 0,
                transactionsAmount: try nested.amount("transactionsAmount").orThrow(EventPayload.Missing(field: "totals.transactionsAmount")),
                transactionsAmountWithoutDeliveryCosts: nested.amount("transactionsAmountWithoutDeliveryCosts"),
                amountExcludedForLevel: nested.amount("amountExcludedForLevel"),
                lastTransactionDate: totals["lastTransactionDate"]?.string
            )
        }
    }
}

/// An event payload parsed with the request bodies' JSON parser, which keeps numbers as their exact text:
/// cheaper than `JSONDecoder`, and every sale brings the consumer three events.
struct EventPayload {
    struct Missing: Error, CustomStringConvertible {
        let field: String
        var description: String { "the event payload has no valid \(field)" }
    }

    let value: FormValue

    init(_ payload: JSONB) throws {
        value = try FormValue.parseJSON(Array(payload.text.utf8))
    }

    init(value: FormValue) {
        self.value = value
    }

    func uuid(_ key: String) -> UUID? {
        value[key]?.string.flatMap(UUID.init(uuidString:))
    }

    func amount(_ key: String) -> Amount? {
        value[key]?.string.flatMap(Amount.init(exactly:))
    }
}
