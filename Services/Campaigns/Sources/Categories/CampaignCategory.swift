import Foundation

/// A category's name in one locale (campaigns §1.4); `id` is a number kept per locale across updates.
struct CategoryTranslation: Codable, Sendable, Hashable {
    var id: Int
    var locale: String
    var name: String
}

/// A campaign category (campaigns §1.4, CAT-01…CAT-05). Campaigns point at categories by id (`campaign[categories]`).
struct CampaignCategory: Sendable, Hashable {
    var id: UUID
    var translations: [CategoryTranslation]
    var active: Bool
    var sortOrder: Int

    /// The name in `locale`, else in English, else in the first locale (as campaigns fall back).
    func name(_ locale: String) -> String? {
        (translations.first { $0.locale == locale } ?? translations.first { $0.locale == "en" } ?? translations.first)?.name
    }
}
