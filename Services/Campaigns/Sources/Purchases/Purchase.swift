import Foundation
import Postgres

/// One bought unit of a campaign: the coupon a customer got (campaigns §1.6, §1.7, §5b.9).
struct Purchase: Sendable, Hashable {
    var id: UUID
    var campaignID: UUID
    var customerID: UUID
    var code: String
    var purchasedAt: Date
    var costInPoints: Amount
    var currentPointsAmount: Amount
    var activeSince: Date
    var activeTo: Date?
    var used: Bool
    var usageDate: Date?
    var usedInTransactionID: UUID?
    var transactionID: UUID?
    var deliveryStatus: String
    var returnedAmount: Amount
    /// A percentage discount whose sale was returned in full.
    var canceled = false

    static let deliveryStatuses: Set<String> = ["ordered", "canceled", "shipped", "delivered"]

    /// `canceled`, `inactive` before the coupon's first day, `expired` after its last, else `active`.
    func status(at date: Date) -> String {
        if canceled { return "canceled" }
        if date < activeSince { return "inactive" }
        if let activeTo, date > activeTo { return "expired" }
        return "active"
    }

    /// Not used yet, and active now.
    func canBeUsed(at date: Date) -> Bool { !used && status(at: date) == "active" }
}
