import Foundation
import Postgres
import ServiceKit

/// A category as CAT-02 and CAT-04 show it: `{name, campaignCategoryId, active, sortOrder, translations}`, the
/// top-level `name` in the requested locale.
struct CategoryView: Encodable, Sendable {
    let category: CampaignCategory
    let locale: String

    private enum Key: String, CodingKey {
        case name, campaignCategoryId, active, sortOrder, translations
    }

    private struct TranslationView: Encodable {
        let name: String
        let id: Int
        let locale: String
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encodeIfPresent(category.name(locale), forKey: .name)
        try c.encode(category.id.text, forKey: .campaignCategoryId)
        try c.encode(category.active, forKey: .active)
        try c.encode(category.sortOrder, forKey: .sortOrder)
        try c.encode(category.translations.map { TranslationView(name: $0.name, id: $0.id, locale: $0.locale) }, forKey: .translations)
    }
}

/// The filters of CAT-02: `name` (part of a name in any locale, any case) and `active`.
enum CategoryFilters {
    static func condition(_ query: FormValue) throws -> SQL {
        var condition: SQL = "TRUE"
        if let name = query["name"]?.trimmedText {
            let pattern = "%" + likeEscaped(name) + "%"
            condition = "\(condition) AND EXISTS (SELECT 1 FROM jsonb_array_elements(k.translations) t WHERE t ->> 'name' ILIKE \(pattern))"
        }
        if let active = query["active"], !active.isBlank {
            guard let flag = active.bool else { throw APIError.badRequest("active must be true or false") }
            condition = "\(condition) AND k.active = \(flag)"
        }
        return condition
    }

    /// The text with LIKE's wildcards taken literally.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
