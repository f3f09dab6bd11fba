import Foundation
import Postgres
import ServiceKit

/// A VIP tier as the storefront VIP program (Okendo S3) shows it. VIP tiers are the store's active levels;
/// the rules a tier earns and redeems with are added by the services that own them. Decision okendo S3.
public struct VipTier: Sendable {
    /// What it takes to reach the tier: `{"spend": n}` when levels follow the transactions amount,
    /// `{"points": n}` when they follow points (the `tierAssignType` setting).
    public struct EntryRequirement: Sendable, Encodable {
        let spend: Amount?
        let points: Amount?
    }

    public struct Style: Sendable, Encodable {
        public struct Badge: Sendable, Encodable {
            public struct Frame: Sendable, Encodable {
                let type: String
            }

            let type: String
            let icon: String
            /// The store's `accentColor` setting.
            let color: String?
            /// bronze, silver, gold, then platinum for every tier above, by rank from the lowest.
            let frame: Frame
            /// The level's photo, when one is uploaded.
            let svgUrl: String?

            enum CodingKeys: String, CodingKey { case type, icon, color, frame, svgUrl }

            /// Every key is written, `color` and `svgUrl` as null when there is none.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(type, forKey: .type)
                try container.encode(icon, forKey: .icon)
                try container.encode(color, forKey: .color)
                try container.encode(frame, forKey: .frame)
                try container.encode(svgUrl, forKey: .svgUrl)
            }
        }

        let badge: Badge
    }

    /// The level.
    public let levelID: UUID
    public var vipTierId: String { levelID.text }
    public let name: String
    public let entryRequirement: EntryRequirement
    public let style: Style
    /// The level's reward, then its special rewards running today.
    public let customPerks: [String]

    static let frames = ["bronze", "silver", "gold", "platinum"]

    init(_ level: LevelRecord, rank: Int, storeCode: String, program: ProgramSettings, today: LocalDate) {
        levelID = level.id
        name = level.name
        entryRequirement = program.tierAssignType == .points
            ? EntryRequirement(spend: nil, points: level.conditionValue)
            : EntryRequirement(spend: level.conditionValue, points: nil)
        let photo = level.hasPhoto ? "/api/\(storeCode)/level/\(level.id.text)/photo" : nil
        style = Style(badge: Style.Badge(
            type: "framed", icon: "star", color: program.text("accentColor"),
            frame: Style.Badge.Frame(type: Self.frames[min(rank, Self.frames.count - 1)]), svgUrl: photo
        ))
        let specials = level.specialRewards.filter { $0.active && $0.startAt <= today && today <= $0.endAt }.map(\.name)
        customPerks = ([level.reward.name] + specials).filter { !$0.isEmpty }
    }
}

extension CustomersLibrary {
    /// The store's VIP tiers (its active levels), lowest entry requirement first.
    public static func vipTiers(on database: some PostgresQueryable, store: Store) async throws -> [VipTier] {
        let program = try await SettingsRepository().load(on: database, storeID: store.id, currency: store.currency)
        let levels = try await LevelRepository().all(on: database, storeID: store.id).filter(\.active)
        let today = UTCTime.day(of: Date())
        return levels.enumerated().map { rank, level in
            VipTier(level, rank: rank, storeCode: store.code, program: program, today: today)
        }
    }
}
