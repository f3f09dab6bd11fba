import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The account status of a customer (`status.type`): new until activated, blocked when deactivated,
/// deleted as a tombstone that no endpoint shows.
enum CustomerStatus: String, Sendable, Codable, CaseIterable {
    case new
    case active
    case blocked
    case deleted
}

/// A postal address; every part is optional.
struct Address: Sendable, Hashable, Codable {
    var street: String?
    var address1: String?
    var address2: String?
    var postal: String?
    var city: String?
    var province: String?
    var country: String?

    static let fields = ["street", "address1", "address2", "postal", "city", "province", "country"]

    var isEmpty: Bool { [street, address1, address2, postal, city, province, country].allSatisfy { $0 == nil } }
}

/// Company details: both parts or none.
struct Company: Sendable, Hashable, Codable {
    var name: String
    var nip: String
}

/// A customer label, `key:value`.
struct Label: Sendable, Hashable, Codable {
    var key: String
    var value: String

    /// A stored label list; the usual empty one is not run through the JSON decoder (customers are read on every sale).
    static func list(_ json: JSONB) throws -> [Label] {
        json.text == "[]" ? [] : try json.decode(as: [Label].self)
    }
}

/// A customer as stored, with what the lists and details join to it.
struct CustomerRecord: Sendable {
    var storeID: UUID
    var id: UUID
    var status: CustomerStatus
    var cardState: String
    var firstName: String?
    var lastName: String?
    var gender: String?
    var email: String?
    var phone: String?
    var birthDate: LocalDate?
    var birthdayMonth: Int?
    var birthdayDay: Int?
    var address: Address?
    var company: Company?
    var loyaltyCardNumber: String?
    var labels: [Label]
    var agreement1: Bool
    var agreement2: Bool
    var agreement3: Bool
    var levelID: UUID?
    var manualLevelID: UUID?
    var lastLevelRecalculation: Date?
    var posID: UUID?
    var sellerID: UUID?
    var externalID: String?
    var transactionsCount: Int
    var transactionsAmount: Amount
    var transactionsAmountWithoutDeliveryCosts: Amount
    var amountExcludedForLevel: Amount
    var averageTransactionAmount: Amount
    var lastTransactionDate: Date?
    var availablePoints: Amount
    var earnedPointsSinceRecalculation: Amount
    var activationToken: String?
    var smsCode: String?
    var smsCodeExpiresAt: Date?
    var pendingPhone: String?
    var pendingPhoneCode: String?
    var pendingPhoneExpiresAt: Date?
    var pushyTokens: [String]
    var enrolledAt: Date?
    var legalPoliciesVersion: String?
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    /// Joined: the current level, for `level`, `levelPercent`.
    var level: LevelSummary?
    /// Joined: the assigned POS's identifier.
    var posIdentifier: String?

    var active: Bool { status == .active }

    /// `first last`, for invitations and e-mails.
    var fullName: String { [firstName, lastName].compactMap { $0 }.joined(separator: " ") }

    /// A new customer with nothing set but its identity and dates.
    init(storeID: UUID, id: UUID, createdAt: Date) {
        self.storeID = storeID
        self.id = id
        status = .new
        cardState = "no-card"
        labels = []
        agreement1 = false
        agreement2 = false
        agreement3 = false
        transactionsCount = 0
        transactionsAmount = .zero
        transactionsAmountWithoutDeliveryCosts = .zero
        amountExcludedForLevel = .zero
        averageTransactionAmount = .zero
        availablePoints = .zero
        earnedPointsSinceRecalculation = .zero
        pushyTokens = []
        version = 1
        self.createdAt = createdAt
        updatedAt = createdAt
    }
}

/// What a customer shows of its level.
struct LevelSummary: Sendable, Hashable {
    var id: UUID
    var name: String
    /// The reward in percent (15 for 15 %).
    var rewardPercent: Amount
    var translations: [String: LevelTranslation]
}

/// A level's name and description in one locale.
struct LevelTranslation: Sendable, Hashable, Codable {
    var name: String
    var description: String?
}
