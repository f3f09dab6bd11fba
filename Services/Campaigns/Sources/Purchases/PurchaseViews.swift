import Customers
import Foundation
import Postgres
import ServiceKit

/// A purchase in a customer's list (CC-01, CC-02, CC-08; campaigns §1.7), with the coupon's id, state and
/// dates so that the holder can use it (decision campaigns §1.7, CC-01).
struct CustomerPurchaseView: Encodable, Sendable {
    struct CampaignRef: Encodable, Sendable { let campaignId: String }
    struct Coupon: Encodable, Sendable {
        let code: String
        let id: String
    }
    struct TransactionRef: Encodable, Sendable { let transactionId: String }

    let purchaseAt: String
    let costInPoints: Amount
    let campaignId: CampaignRef
    let campaign: CampaignView?
    let used: Bool
    let coupon: Coupon
    let canBeUsed: Bool
    let status: String
    let activeSince: String
    let activeTo: String?
    let usageDate: String?
    let deliveryStatus: String
    let transactionId: TransactionRef?

    init(_ purchase: Purchase, campaign: CampaignView?, now: Date) {
        purchaseAt = Timestamp.iso(purchase.purchasedAt)
        costInPoints = purchase.costInPoints
        campaignId = CampaignRef(campaignId: purchase.campaignID.text)
        self.campaign = campaign
        used = purchase.used
        coupon = Coupon(code: purchase.code, id: purchase.id.text)
        canBeUsed = purchase.canBeUsed(at: now)
        status = purchase.status(at: now)
        activeSince = Timestamp.iso(purchase.activeSince)
        activeTo = purchase.activeTo.map(Timestamp.iso)
        usageDate = purchase.usageDate.map(Timestamp.iso)
        deliveryStatus = purchase.deliveryStatus
        transactionId = purchase.transactionID.map { TransactionRef(transactionId: $0.text) }
    }
}

/// A purchase in the store-wide list (CMP-08; campaigns §1.6).
struct BoughtCampaignView: Encodable, Sendable {
    struct DeliveryStatus: Encodable, Sendable { let status: String }
    struct ShippingAddress: Encodable, Sendable {}

    let canBeUsed: Bool
    let rewardCampaignId: String
    let campaignId: String
    let customerId: String
    let purchasedAt: String
    let coupon: CustomerPurchaseView.Coupon
    let campaignType: String
    let campaignName: String
    let customerEmail: String?
    let customerName: String?
    let customerLastname: String?
    let campaignShippingAddress = ShippingAddress()
    let costInPoints: Amount
    let currentPointsAmount: Amount
    let used: Bool
    let status: String
    let transactionId: CustomerPurchaseView.TransactionRef?
    let returnedAmount: Amount
    let deliveryStatus: DeliveryStatus
    let usageDate: String?
    let activeSince: String
    let activeTo: String?

    init(_ purchase: Purchase, campaign: Campaign?, customer: CustomerSummary?, now: Date) {
        canBeUsed = purchase.canBeUsed(at: now)
        rewardCampaignId = purchase.campaignID.text
        campaignId = purchase.campaignID.text
        customerId = purchase.customerID.text
        purchasedAt = Timestamp.iso(purchase.purchasedAt)
        coupon = .init(code: purchase.code, id: purchase.id.text)
        campaignType = campaign?.reward.rawValue ?? ""
        campaignName = campaign?.name() ?? ""
        customerEmail = customer?.email
        customerName = customer?.firstName
        customerLastname = customer?.lastName
        costInPoints = purchase.costInPoints
        currentPointsAmount = purchase.currentPointsAmount
        used = purchase.used
        status = purchase.status(at: now)
        transactionId = purchase.transactionID.map { .init(transactionId: $0.text) }
        returnedAmount = purchase.returnedAmount
        deliveryStatus = DeliveryStatus(status: purchase.deliveryStatus)
        usageDate = purchase.usageDate.map(Timestamp.iso)
        activeSince = Timestamp.iso(purchase.activeSince)
        activeTo = purchase.activeTo.map(Timestamp.iso)
    }
}

/// CMP-09's CSV: the documented header, one row per purchase; a field is quoted only when it needs to be.
enum PurchaseCSV {
    static let header = "0.Name,1.Date,2.Cost,\"3.Tax value\",4.email,5.phone,6.Firstname,7.Surname,\"8.Points balance\",\"9.Is used\""

    static func row(_ purchase: Purchase, campaign: Campaign?, customer: CustomerSummary?) -> String {
        [
            campaign?.name() ?? "", Timestamp.plain(purchase.purchasedAt), purchase.costInPoints.description, "",
            customer?.email ?? "", customer?.phone ?? "", customer?.firstName ?? "", customer?.lastName ?? "",
            purchase.currentPointsAmount.description, purchase.used ? "1" : "",
        ].map(field).joined(separator: ",")
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == " " || $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
