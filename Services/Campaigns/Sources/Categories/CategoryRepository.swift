import Foundation
import Postgres
import ServiceKit

/// SQL over `campaigns.categories`. Every method takes the store first.
enum CategoryRepository {
    static let columns = "k.id, k.translations, k.active, k.sort_order"

    /// API sort names → SQL (CAT-02). Translations are stored English first, so `name` sorts by the English name.
    static let sortable: [String: String] = [
        "sortOrder": "k.sort_order", "name": "(k.translations -> 0 ->> 'name')", "active": "k.active",
        "campaignCategoryId": "k.id", "createdAt": "k.created_at",
    ]

    static func category(_ row: PostgresRow) throws -> CampaignCategory {
        let translations: JSONB = try row["translations"]
        return CampaignCategory(
            id: try row["id"], translations: try translations.decode(as: [CategoryTranslation].self), active: try row["active"],
            sortOrder: try row["sort_order"]
        )
    }

    static func find(on db: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> CampaignCategory? {
        try await db.query("SELECT \(unsafeRaw: columns) FROM campaigns.categories k WHERE k.store_id = \(storeID) AND k.id = \(id)")
            .firstRow.map(category)
    }

    /// The categories matching `condition` (a fragment over `k`), a page of them, and how many match.
    static func list(
        on db: some PostgresQueryable, storeID: UUID, where condition: SQL, page: Pagination
    ) async throws -> (categories: [CampaignCategory], total: Int) {
        let rows = try await db.query("""
            SELECT \(unsafeRaw: columns), count(*) OVER () AS total FROM campaigns.categories k
            WHERE k.store_id = \(storeID) AND \(condition) \(page.orderAndLimit(tieBreaker: "k.id"))
            """)
        let categories = try rows.map(category)
        if let total = try rows.firstRow.map({ try $0.decode(Int.self, "total") }) { return (categories, total) }
        // A page past the end has no row to carry the window count.
        let total = try await db.query("SELECT count(*) FROM campaigns.categories k WHERE k.store_id = \(storeID) AND \(condition)").scalar(Int.self)
        return (categories, total)
    }

    /// The ids of the store's categories: what `campaign[categories]` may name.
    static func ids(on db: some PostgresQueryable, storeID: UUID) async throws -> Set<UUID> {
        Set(try await db.query("SELECT id FROM campaigns.categories WHERE store_id = \(storeID)").map { try $0.decode(UUID.self, "id") })
    }

    /// The names of these categories in `locale` (falling back as `CampaignCategory.name` does).
    static func names(on db: some PostgresQueryable, storeID: UUID, ids: [UUID], locale: String) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        var names: [UUID: String] = [:]
        for row in try await db.query("""
            SELECT \(unsafeRaw: columns) FROM campaigns.categories k
            WHERE k.store_id = \(storeID) AND k.id = ANY(\(SQLArray.uuids(ids))::uuid[])
            """) {
            let category = try category(row)
            names[category.id] = category.name(locale)
        }
        return names
    }

    /// Inserts or replaces the category; new locales get their numbers from the campaigns' translation sequence.
    static func save(on db: some PostgresQueryable, storeID: UUID, _ input: CampaignCategory) async throws {
        var category = input
        try await category.translations.number(on: db)
        try await db.execute("""
            INSERT INTO campaigns.categories (store_id, id, translations, active, sort_order)
            VALUES (\(storeID), \(category.id), \(try JSONB(encoding: category.translations)), \(category.active), \(category.sortOrder))
            ON CONFLICT (store_id, id) DO UPDATE SET translations = excluded.translations, active = excluded.active,
                sort_order = excluded.sort_order, updated_at = now()
            """)
    }

    /// Whether the category exists (and so was switched).
    static func setActive(on db: some PostgresQueryable, storeID: UUID, id: UUID, active: Bool) async throws -> Bool {
        try await db.execute("""
            UPDATE campaigns.categories SET active = \(active), updated_at = now() WHERE store_id = \(storeID) AND id = \(id)
            """) > 0
    }
}
