import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// A level's fixed discount: `value` is a percent (15 for 15 %), shown as the fraction 0.15.
struct LevelReward: Sendable, Hashable, Codable {
    var name: String
    var percent: Amount
    var code: String
}

/// A time-limited extra reward of a level (display data only).
struct SpecialReward: Sendable, Hashable, Codable {
    var id: UUID
    var name: String
    var percent: Amount
    var code: String
    var active: Bool
    var createdAt: Date
    var startAt: LocalDate
    var endAt: LocalDate
}

/// A level as stored.
struct LevelRecord: Sendable {
    var storeID: UUID
    var id: UUID
    var name: String
    var description: String?
    /// Locale → name and description, the default locale included.
    var translations: [String: LevelTranslation]
    var active: Bool
    var conditionValue: Amount
    var minOrder: Amount?
    var reward: LevelReward
    var specialRewards: [SpecialReward]
    var createdAt: Date
    var updatedAt: Date
    /// Computed: live customers on the level.
    var customersCount: Int
    /// Computed: whether a photo is stored.
    var hasPhoto: Bool

    /// The name in `locale`, falling back to the default.
    func name(in locale: String?) -> String { locale.flatMap { translations[$0]?.name } ?? name }

    func description(in locale: String?) -> String? {
        locale.flatMap { translations[$0]?.description } ?? description
    }
}

/// A fraction as a JSON number: 15 % is `0.15`.
struct Fraction: Encodable, Sendable {
    let percent: Amount

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(percent.hundredths) / 10_000)
    }
}

/// A level as LV-01/03/10/11 show it (extensions §1.4).
struct LevelView: Encodable {
    struct Reward: Encodable {
        let name: String
        let value: Fraction
        let code: String
    }

    struct Special: Encodable {
        let id: String
        let name: String
        let value: Fraction
        let code: String
        let active: Bool
        let createdAt: String
        let startAt: String
        let endAt: String
    }

    struct Translation: Encodable {
        let id: String
        let locale: String
        let name: String
        let description: String?
    }

    let id: String
    let levelId: String
    let name: String
    let description: String?
    let active: Bool
    let conditionValue: Amount
    let minOrder: Amount?
    let reward: Reward
    let specialRewards: [Special]
    let customersCount: Int
    let hasPhoto: Bool
    let translations: [Translation]

    init(_ level: LevelRecord, locale: String?) {
        id = level.id.text
        levelId = level.id.text
        name = level.name(in: locale)
        description = level.description(in: locale)
        active = level.active
        conditionValue = level.conditionValue
        minOrder = level.minOrder
        reward = Reward(name: level.reward.name, value: Fraction(percent: level.reward.percent), code: level.reward.code)
        specialRewards = level.specialRewards.map {
            Special(
                id: $0.id.text, name: $0.name, value: Fraction(percent: $0.percent), code: $0.code, active: $0.active,
                createdAt: Timestamps.compact($0.createdAt), startAt: Timestamps.compact($0.startAt), endAt: Timestamps.compact($0.endAt)
            )
        }
        customersCount = level.customersCount
        hasPhoto = level.hasPhoto
        translations = level.translations.keys.sorted().map { locale in
            let text = level.translations[locale]
            return Translation(id: "\(level.id.text)-\(locale)", locale: locale, name: text?.name ?? "", description: text?.description)
        }
    }
}

/// A level as a customer sees it (C40): no id.
struct CustomerLevelView: Encodable {
    let name: String
    let description: String?
    let conditionValue: Amount
    let hasPhoto: Bool

    init(_ level: LevelRecord, locale: String?) {
        name = level.name(in: locale)
        description = level.description(in: locale)
        conditionValue = level.conditionValue
        hasPhoto = level.hasPhoto
    }
}

/// `{"id":…}`: what level create and update answer.
struct LevelIdentifier: Encodable {
    let id: String
}
