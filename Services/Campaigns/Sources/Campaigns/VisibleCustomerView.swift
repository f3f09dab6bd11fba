import Customers
import Foundation
import Postgres
import ServiceKit

/// A customer in CMP-18's list (campaigns §1.14) with their purchases of the campaign. Fields the customers
/// library does not hand to other services (gender, address, agreements) are left out, as absent optional fields are.
struct VisibleCustomerView: Encodable, Sendable {
    let customer: CustomerSummary
    let purchases: [CustomerPurchaseView]

    private enum Key: String, CodingKey {
        case customerId, active, firstName, lastName, email, phone, birthDate, loyaltyCardNumber, createdAt, levelId
        case manuallyAssignedLevelId, campaignPurchases, transactionsCount, transactionsAmount, averageTransactionAmount
    }

    private struct LevelRef: Encodable { let levelId: String }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(customer.id.text, forKey: .customerId)
        try c.encode(customer.active, forKey: .active)
        try c.encodeIfPresent(customer.firstName, forKey: .firstName)
        try c.encodeIfPresent(customer.lastName, forKey: .lastName)
        try c.encodeIfPresent(customer.email, forKey: .email)
        try c.encodeIfPresent(customer.phone, forKey: .phone)
        try c.encodeIfPresent(customer.birthDate.map { "\($0)T00:00:00+0000" }, forKey: .birthDate)
        try c.encodeIfPresent(customer.loyaltyCardNumber, forKey: .loyaltyCardNumber)
        try c.encode(Timestamp.iso(customer.createdAt), forKey: .createdAt)
        try c.encodeIfPresent(customer.levelID?.text, forKey: .levelId)
        // The catalog's example wraps the manual level as `{levelId}` (campaigns §1.14).
        try c.encodeIfPresent(customer.manualLevelID.map { LevelRef(levelId: $0.text) }, forKey: .manuallyAssignedLevelId)
        try c.encode(purchases, forKey: .campaignPurchases)
        try c.encode(customer.transactionsCount, forKey: .transactionsCount)
        try c.encode(customer.transactionsAmount, forKey: .transactionsAmount)
        let count = Int64(max(customer.transactionsCount, 1))
        try c.encode(customer.transactionsAmount.multiplied(by: 1, dividedBy: count), forKey: .averageTransactionAmount)
    }
}
