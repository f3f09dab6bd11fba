import Foundation
import Postgres

/// Texts of one locale with the number the API shows as its `id` (campaigns §1.2, §1.4).
protocol NumberedTranslation: Sendable {
    var id: Int { get set }
    var locale: String { get }
}

extension CampaignTranslation: NumberedTranslation {}
extension CategoryTranslation: NumberedTranslation {}

extension Array where Element: NumberedTranslation {
    /// Gives new locales (id 0) their numbers from `campaigns.translation_ids`, then orders English first and the
    /// rest by number: how they are stored and shown.
    mutating func number(on db: some PostgresQueryable) async throws {
        for index in indices where self[index].id == 0 {
            self[index].id = try await db.query("SELECT nextval('campaigns.translation_ids')").scalar(Int.self)
        }
        sort { ($0.locale == "en" ? 0 : 1, $0.id) < ($1.locale == "en" ? 0 : 1, $1.id) }
    }
}
