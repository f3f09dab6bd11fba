import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// A customer as the Open Loyalty API shows it. `list` items carry the fields of the list examples;
/// `details` adds `id`, `status`, `level`, `labels`, `segments`, `version`, `lastLevelRecalculation`;
/// `pos` (POS search) is the details plus `posId` and `posIdentifier`. Unset fields are left out.
struct CustomerView: Encodable {
    enum Shape {
        case list
        case details
        case pos
    }

    struct Status: Encodable {
        let availableTypes = ["new", "active", "blocked", "deleted"]
        let availableStates = ["no-card", "card-sent", "with-card"]
        let type: String
        let state: String
    }

    struct LevelID: Encodable {
        let id: String
        let levelId: String?
    }

    struct Level: Encodable {
        let levelId: LevelID
        let name: String
        let translations: [String: Name]

        struct Name: Encodable {
            let name: String
        }
    }

    /// An item of `segments`.
    struct SegmentRef: Encodable {
        let segmentId: String
        let name: String
    }

    let customer: CustomerRecord
    let shape: Shape
    let currency: String
    let locale: String?
    let segments: [SegmentRef]
    let campaignPurchases: [CustomerCampaignPurchase]

    init(
        _ customer: CustomerRecord, shape: Shape, currency: String, locale: String? = nil, segments: [SegmentRef] = [],
        campaignPurchases: [CustomerCampaignPurchase] = []
    ) {
        self.customer = customer
        self.shape = shape
        self.currency = currency
        self.locale = locale
        self.segments = segments
        self.campaignPurchases = campaignPurchases
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: Key.self)
        let c = customer
        try out.encode(c.id.text, forKey: Key("customerId"))
        try out.encode(c.active, forKey: Key("active"))
        try out.encodeIfPresent(c.firstName, forKey: Key("firstName"))
        try out.encodeIfPresent(c.lastName, forKey: Key("lastName"))
        try out.encodeIfPresent(c.gender, forKey: Key("gender"))
        try out.encodeIfPresent(c.email, forKey: Key("email"))
        try out.encodeIfPresent(c.phone, forKey: Key("phone"))
        try out.encodeIfPresent(c.birthDate.map(Timestamps.compact), forKey: Key("birthDate"))
        if let address = c.address, !address.isEmpty { try out.encode(address, forKey: Key("address")) }
        try out.encodeIfPresent(c.company, forKey: Key("company"))
        try out.encodeIfPresent(c.loyaltyCardNumber, forKey: Key("loyaltyCardNumber"))
        try out.encode(Timestamps.compact(c.createdAt), forKey: Key("createdAt"))
        try out.encode(Timestamps.compact(c.updatedAt), forKey: Key("updatedAt"))
        try out.encodeIfPresent(c.levelID?.text, forKey: Key("levelId"))
        try out.encodeIfPresent(c.manualLevelID?.text, forKey: Key("manuallyAssignedLevelId"))
        try out.encode(c.agreement1, forKey: Key("agreement1"))
        try out.encode(c.agreement2, forKey: Key("agreement2"))
        try out.encode(c.agreement3, forKey: Key("agreement3"))
        try out.encode(campaignPurchases, forKey: Key("campaignPurchases"))
        try out.encode(c.transactionsCount, forKey: Key("transactionsCount"))
        try out.encode(c.transactionsAmount, forKey: Key("transactionsAmount"))
        try out.encode(c.transactionsAmountWithoutDeliveryCosts, forKey: Key("transactionsAmountWithoutDeliveryCosts"))
        try out.encode(c.amountExcludedForLevel, forKey: Key("amountExcludedForLevel"))
        try out.encode(c.averageTransactionAmount, forKey: Key("averageTransactionAmount"))
        try out.encodeIfPresent(c.lastTransactionDate.map(Timestamps.compact), forKey: Key("lastTransactionDate"))
        try out.encode(currency, forKey: Key("currency"))
        try out.encode((c.level?.rewardPercent ?? .zero).twoDecimals + "%", forKey: Key("levelPercent"))
        try out.encodeIfPresent(c.posID?.text, forKey: Key("posId"))
        try out.encodeIfPresent(c.sellerID?.text, forKey: Key("sellerId"))
        guard shape != .list else { return }
        try out.encode(c.id.text, forKey: Key("id"))
        try out.encode(Status(type: c.status.rawValue, state: c.cardState), forKey: Key("status"))
        try out.encodeIfPresent(c.lastLevelRecalculation.map(Timestamps.compact), forKey: Key("lastLevelRecalculation"))
        try out.encode(c.labels, forKey: Key("labels"))
        try out.encodeIfPresent(level, forKey: Key("level"))
        try out.encode(c.version, forKey: Key("version"))
        try out.encode(segments, forKey: Key("segments"))
        if shape == .pos { try out.encodeIfPresent(c.posIdentifier, forKey: Key("posIdentifier")) }
    }

    /// `level`: its id (twice, as documented), its name in the requested locale, every translation.
    private var level: Level? {
        guard let level = customer.level else { return nil }
        let name = locale.flatMap { level.translations[$0]?.name } ?? level.name
        var translations = level.translations.mapValues { Level.Name(name: $0.name) }
        if translations.isEmpty { translations = ["en": Level.Name(name: level.name)] }
        return Level(
            levelId: LevelID(id: level.id.text, levelId: shape == .pos ? nil : level.id.text), name: name, translations: translations
        )
    }
}

/// `{"customerId":…,"email":…}`: what a registration answers.
struct RegisteredCustomer: Encodable {
    let customerId: String
    let email: String?
}

/// `{"customerId":…}`: what an update answers.
struct CustomerIdentifier: Encodable {
    let customerId: String
}
