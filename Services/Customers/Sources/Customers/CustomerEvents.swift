import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The event names of the customer aggregate (platform EP-36 list), as appended to `suite.events`
/// with aggregate type `customer` and the customer id as aggregate id.
enum CustomerEvent {
    static let registered = "CustomerWasRegistered"
    static let activated = "CustomerWasActivated"
    static let deactivated = "CustomerWasDeactivated"
    static let detailsUpdated = "CustomerDetailsWereUpdated"
    static let addressUpdated = "CustomerAddressWasUpdated"
    static let companyUpdated = "CustomerCompanyDetailsWereUpdated"
    static let cardUpdated = "CustomerLoyaltyCardNumberWasUpdated"
    static let movedToLevel = "CustomerWasMovedToLevel"
    static let levelRecalculated = "CustomerLevelWasRecalculated"
    static let posAssigned = "PosWasAssignedToCustomer"
    static let sellerAssigned = "SellerWasAssignedToCustomer"
    static let avatarSet = "CustomerAvatarWasSet"
    static let avatarRemoved = "CustomerAvatarWasRemoved"
    static let anonymized = "CustomerWasAnonymized"
    static let deleted = "CustomerWasDeleted"
    static let attachedToInvitation = "CustomerWasAttachedToInvitation"
    static let invitationCreated = "InvitationWasCreated"
    static let addedToSegment = "CustomerAddedToSegment"
    static let removedFromSegment = "CustomerRemovedFromSegment"

    /// The events whose changes can change a customer's segments.
    static let affectingSegments = [
        registered, activated, deactivated, detailsUpdated, addressUpdated, companyUpdated, cardUpdated, movedToLevel,
        posAssigned, sellerAssigned, anonymized, deleted,
    ]
}

/// The customer's data as events carry it.
struct CustomerSnapshot: Encodable {
    let customerId: String
    let status: String
    let active: Bool
    let firstName: String?
    let lastName: String?
    let gender: String?
    let email: String?
    let phone: String?
    let birthDate: String?
    let loyaltyCardNumber: String?
    let address: Address?
    let company: Company?
    let labels: [Label]
    let agreement1: Bool
    let agreement2: Bool
    let agreement3: Bool
    let levelId: String?
    let posId: String?
    let sellerId: String?
    let createdAt: String

    init(_ c: CustomerRecord) {
        customerId = c.id.text
        status = c.status.rawValue
        active = c.active
        firstName = c.firstName
        lastName = c.lastName
        gender = c.gender
        email = c.email
        phone = c.phone
        birthDate = c.birthDate?.description
        loyaltyCardNumber = c.loyaltyCardNumber
        address = c.address
        company = c.company
        labels = c.labels
        agreement1 = c.agreement1
        agreement2 = c.agreement2
        agreement3 = c.agreement3
        levelId = c.levelID?.text
        posId = c.posID?.text
        sellerId = c.sellerID?.text
        createdAt = Timestamps.compact(c.createdAt)
    }
}

/// `{"customerId":…}` for events that carry nothing else.
struct CustomerRef: Encodable {
    let customerId: String
}

/// `CustomerWasMovedToLevel` (platform EP-37 example).
struct MovedToLevel: Encodable {
    let customerId: String
    let levelId: String?
    let oldLevelId: String?
    let updateAt: String
    let manually: Bool
    let removeLevelManually: Bool
}

struct PosAssigned: Encodable {
    let customerId: String
    let posId: String?
}

struct SellerAssigned: Encodable {
    let customerId: String
    let sellerId: String?
}

struct AttachedToInvitation: Encodable {
    let customerId: String
    let invitationId: String
    let referrerId: String
}

struct AvatarSet: Encodable {
    let customerId: String
    let mime: String
    let originalName: String
}
