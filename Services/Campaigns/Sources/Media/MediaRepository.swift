import Foundation
import Postgres
import ServiceKit

/// SQL over a campaign's photos and brand icon. Bytes cross the wire as base64 (the wrapper speaks text).
/// Every method takes the store first.
enum MediaRepository {
    /// Adds a photo to the campaign; false when the store has no such campaign.
    static func addPhoto(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, id: UUID, image: CampaignImage) async throws -> Bool {
        try await db.execute("""
            INSERT INTO campaigns.campaign_photos (store_id, id, campaign_id, original_name, mime, size, data)
            SELECT \(storeID), \(id), c.id, \(image.originalName), \(image.mime), \(image.data.count), decode(\(base64(image)), 'base64')
            FROM campaigns.campaigns c WHERE c.store_id = \(storeID) AND c.id = \(campaignID)
            """) > 0
    }

    static func photo(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, id: UUID) async throws -> CampaignImage? {
        try await db.query("""
            SELECT mime, original_name, encode(data, 'base64') AS data FROM campaigns.campaign_photos
            WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND id = \(id)
            """).firstRow.map(image)
    }

    /// Whether there was such a photo.
    static func deletePhoto(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, id: UUID) async throws -> Bool {
        try await db.execute("""
            DELETE FROM campaigns.campaign_photos WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND id = \(id)
            """) > 0
    }

    /// The photos of these campaigns, each in upload order, without their bytes.
    static func photos(on db: some PostgresQueryable, storeID: UUID, campaignIDs: [UUID]) async throws -> [UUID: [CampaignPhoto]] {
        guard !campaignIDs.isEmpty else { return [:] }
        var photos: [UUID: [CampaignPhoto]] = [:]
        for row in try await db.query("""
            SELECT campaign_id, id, original_name, mime FROM campaigns.campaign_photos
            WHERE store_id = \(storeID) AND campaign_id = ANY(\(SQLArray.uuids(campaignIDs))::uuid[]) ORDER BY position
            """) {
            photos[try row.decode(UUID.self, "campaign_id"), default: []].append(CampaignPhoto(
                id: try row.decode(UUID.self, "id"), originalName: try row.decode(String.self, "original_name"), mime: try row.decode(String.self, "mime")
            ))
        }
        return photos
    }

    /// Sets or replaces the campaign's brand icon; false when the store has no such campaign.
    static func setBrandIcon(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, image: CampaignImage) async throws -> Bool {
        try await db.execute("""
            INSERT INTO campaigns.brand_icons (store_id, campaign_id, original_name, mime, size, data)
            SELECT \(storeID), c.id, \(image.originalName), \(image.mime), \(image.data.count), decode(\(base64(image)), 'base64')
            FROM campaigns.campaigns c WHERE c.store_id = \(storeID) AND c.id = \(campaignID)
            ON CONFLICT (store_id, campaign_id) DO UPDATE SET original_name = excluded.original_name, mime = excluded.mime,
                size = excluded.size, data = excluded.data, created_at = now()
            """) > 0
    }

    static func brandIcon(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID) async throws -> CampaignImage? {
        try await db.query("""
            SELECT mime, original_name, encode(data, 'base64') AS data FROM campaigns.brand_icons
            WHERE store_id = \(storeID) AND campaign_id = \(campaignID)
            """).firstRow.map(image)
    }

    /// Whether there was an icon.
    @discardableResult
    static func deleteBrandIcon(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID) async throws -> Bool {
        try await db.execute("DELETE FROM campaigns.brand_icons WHERE store_id = \(storeID) AND campaign_id = \(campaignID)") > 0
    }

    private static func base64(_ image: CampaignImage) -> String { Data(image.data).base64EncodedString() }

    /// PostgreSQL's base64 breaks lines every 76 characters; Foundation wants them gone.
    private static func image(_ row: PostgresRow) throws -> CampaignImage {
        let base64 = try row.decode(String.self, "data").filter { !$0.isWhitespace }
        return CampaignImage(
            mime: try row.decode(String.self, "mime"), originalName: try row.decode(String.self, "original_name"),
            data: Array(Data(base64Encoded: base64) ?? Data())
        )
    }
}
