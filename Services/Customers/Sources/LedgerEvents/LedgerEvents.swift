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
struct PointsPayload: Decodable, Sendable {
    let customerId: UUID
    let points: Amount?
    let availableBalance: Amount?
    let locked: Bool?
    let p2p: Bool?
    let receiverId: UUID?
    let receiverAvailableBalance: Amount?
}

/// A transaction event's payload. Its `items` are not decoded: they are stored as the event carries them.
struct TransactionPayload: Decodable, Sendable {
    struct Totals: Decodable, Sendable {
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
}
