import Foundation
import Postgres
import ServiceKit

/// SQL over `campaigns.campaigns` and their coupon pools. Every method takes the store first.
enum CampaignRepository {
    static let columns = """
        c.id, c.reward, c.translations, c.active, c.categories, c.push_notification_text, c.point_value, c.reward_value, c.cashback_provider,
        c.transaction_percentage_value, c.cost_in_points, c.target, c.levels, c.segments, c.labels, c.unlimited, c.single_coupon,
        c.usage_limit, c.limit_per_user, c.all_time_visible, c.visible_from, c.visible_to, c.all_time_active, c.active_from, c.active_to,
        c.days_inactive, c.days_valid, c.featured, c.public
        """

    /// API sort names → SQL (CMP-06, CMP-16, CMP-25, CMP-27).
    static let sortable: [String: String] = [
        "name": "(c.translations -> 0 ->> 'name')", "reward": "c.reward", "active": "c.active", "costInPoints": "c.cost_in_points",
        "campaignId": "c.id", "createdAt": "c.created_at", "limit": "c.usage_limit", "limitPerUser": "c.limit_per_user",
        "campaignVisibility.visibleFrom": "c.visible_from", "campaignVisibility.visibleTo": "c.visible_to",
        "campaignActivity.activeFrom": "c.active_from", "campaignActivity.activeTo": "c.active_to",
    ]

    static func campaign(_ row: PostgresRow) throws -> Campaign {
        let reward: String = try row["reward"]
        let translations: JSONB = try row["translations"]
        let labels: JSONB = try row["labels"]
        return Campaign(
            id: try row["id"], reward: RewardType(rawValue: reward) ?? .discountCode,
            translations: try translations.decode(as: [CampaignTranslation].self), active: try row["active"],
            categories: SQLArray.uuids(parsing: try row.decode(String.self, "categories")), pushNotificationText: try row["push_notification_text"],
            pointValue: try row["point_value"], rewardValue: try row["reward_value"], cashbackProvider: try row["cashback_provider"],
            transactionPercentageValue: try row["transaction_percentage_value"], costInPoints: try row["cost_in_points"],
            target: try row["target"], levels: SQLArray.uuids(parsing: try row.decode(String.self, "levels")),
            segments: SQLArray.uuids(parsing: try row.decode(String.self, "segments")), labels: try labels.decode(as: [CampaignLabel].self),
            unlimited: try row["unlimited"], singleCoupon: try row["single_coupon"], limit: try row["usage_limit"],
            limitPerUser: try row["limit_per_user"], allTimeVisible: try row["all_time_visible"], visibleFrom: try row["visible_from"],
            visibleTo: try row["visible_to"], allTimeActive: try row["all_time_active"], activeFrom: try row["active_from"],
            activeTo: try row["active_to"], daysInactive: try row["days_inactive"], daysValid: try row["days_valid"],
            featured: try row["featured"], isPublic: try row["public"]
        )
    }

    /// The campaign, without its coupon pool (a pool can hold tens of thousands of codes: views read it with
    /// `coupons(on:storeID:ids:)`); `lock` holds its row to the end of the caller's transaction (purchases of one
    /// campaign take turns, so limits and codes are counted right).
    static func find(on db: some PostgresQueryable, storeID: UUID, id: UUID, lock: Bool = false) async throws -> Campaign? {
        try await db.query("""
            SELECT \(unsafeRaw: columns) FROM campaigns.campaigns c WHERE c.store_id = \(storeID) AND c.id = \(id)
            \(unsafeRaw: lock ? "FOR UPDATE" : "")
            """).firstRow.map(campaign)
    }

    /// The campaigns among these ids, without their pools.
    static func campaigns(on db: some PostgresQueryable, storeID: UUID, ids: [UUID]) async throws -> [Campaign] {
        guard !ids.isEmpty else { return [] }
        return try await list(on: db, storeID: storeID, where: "c.id = ANY(\(SQLArray.uuids(ids))::uuid[])", page: nil).campaigns
    }

    /// The first code of the pool: the one a single-coupon campaign hands to everyone.
    static func firstCoupon(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID) async throws -> String? {
        try await db.query("""
            SELECT code FROM campaigns.coupons WHERE store_id = \(storeID) AND campaign_id = \(campaignID) ORDER BY position LIMIT 1
            """).firstRow?.decode(String.self, "code")
    }

    /// Whether the store has this campaign.
    static func exists(on db: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await db.query("SELECT 1 FROM campaigns.campaigns WHERE store_id = \(storeID) AND id = \(id)").firstRow != nil
    }

    /// The campaigns matching `condition` (a fragment over `c`), a page of them, and how many match; without their
    /// coupon pools.
    static func list(
        on db: some PostgresQueryable, storeID: UUID, where condition: SQL = "TRUE", page: Pagination?
    ) async throws -> (campaigns: [Campaign], total: Int) {
        let rows = try await db.query("""
            SELECT \(unsafeRaw: columns), count(*) OVER () AS total FROM campaigns.campaigns c
            WHERE c.store_id = \(storeID) AND \(condition)
            \(page?.orderAndLimit(tieBreaker: "c.id") ?? SQL(" ORDER BY c.created_at, c.id"))
            """)
        let campaigns = try rows.map(campaign)
        let total = try rows.firstRow.map { try $0.decode(Int.self, "total") }
        if let total { return (campaigns, total) }
        guard page != nil else { return (campaigns, 0) }
        let count = try await db.query("SELECT count(*) FROM campaigns.campaigns c WHERE c.store_id = \(storeID) AND \(condition)").scalar(Int.self)
        return (campaigns, count)
    }

    /// The coupon pools of these campaigns, each in the order its codes were added.
    static func coupons(on db: some PostgresQueryable, storeID: UUID, ids: [UUID]) async throws -> [UUID: [String]] {
        guard !ids.isEmpty else { return [:] }
        var pools: [UUID: [String]] = [:]
        for row in try await db.query("""
            SELECT campaign_id, code FROM campaigns.coupons
            WHERE store_id = \(storeID) AND campaign_id = ANY(\(SQLArray.uuids(ids))::uuid[]) ORDER BY position
            """) {
            pools[try row.decode(UUID.self, "campaign_id"), default: []].append(try row.decode(String.self, "code"))
        }
        return pools
    }

    /// How much of each campaign is taken: units bought, distinct buyers, free pool codes (kept on the campaign's row).
    static func usage(on db: some PostgresQueryable, storeID: UUID, ids: [UUID]) async throws -> [UUID: CampaignUsage] {
        guard !ids.isEmpty else { return [:] }
        var usage: [UUID: CampaignUsage] = [:]
        for row in try await db.query("""
            SELECT id, purchases_count, buyers_count, free_coupons FROM campaigns.campaigns
            WHERE store_id = \(storeID) AND id = ANY(\(SQLArray.uuids(ids))::uuid[])
            """) {
            usage[try row.decode(UUID.self, "id")] = CampaignUsage(
                purchases: try row.decode(Int.self, "purchases_count"), buyers: try row.decode(Int.self, "buyers_count"),
                freeCoupons: try row.decode(Int.self, "free_coupons")
            )
        }
        return usage
    }

    /// Counts `units` more purchases, by a customer who had bought none before when `newBuyer`.
    static func countPurchases(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, units: Int, newBuyer: Bool) async throws {
        try await db.execute("""
            UPDATE campaigns.campaigns SET purchases_count = purchases_count + \(units), buyers_count = buyers_count + \(newBuyer ? 1 : 0)
            WHERE store_id = \(storeID) AND id = \(campaignID)
            """)
    }

    /// Inserts or replaces the campaign; new locales get their translation ids here. The pool is replaced by the
    /// campaign's coupons (codes already handed out must stay).
    static func save(on db: some PostgresQueryable, storeID: UUID, _ input: Campaign) async throws {
        var campaign = input
        try await campaign.translations.number(on: db)
        try await db.execute("""
            INSERT INTO campaigns.campaigns (store_id, id, reward, translations, active, categories, push_notification_text, point_value, reward_value,
                cashback_provider, transaction_percentage_value, cost_in_points, target, levels, segments, labels, unlimited, single_coupon,
                usage_limit, limit_per_user, all_time_visible, visible_from, visible_to, all_time_active, active_from, active_to,
                days_inactive, days_valid, featured, public)
            VALUES (\(storeID), \(campaign.id), \(campaign.reward.rawValue), \(try JSONB(encoding: campaign.translations)), \(campaign.active),
                \(SQLArray.uuids(campaign.categories))::uuid[], \(campaign.pushNotificationText), \(campaign.pointValue), \(campaign.rewardValue),
                \(campaign.cashbackProvider),
                \(campaign.transactionPercentageValue), \(campaign.costInPoints), \(campaign.target), \(SQLArray.uuids(campaign.levels))::uuid[],
                \(SQLArray.uuids(campaign.segments))::uuid[], \(try JSONB(encoding: campaign.labels)), \(campaign.unlimited), \(campaign.singleCoupon),
                \(campaign.limit), \(campaign.limitPerUser), \(campaign.allTimeVisible), \(campaign.visibleFrom), \(campaign.visibleTo),
                \(campaign.allTimeActive), \(campaign.activeFrom), \(campaign.activeTo), \(campaign.daysInactive), \(campaign.daysValid),
                \(campaign.featured), \(campaign.isPublic))
            ON CONFLICT (store_id, id) DO UPDATE SET
                reward = excluded.reward, translations = excluded.translations, active = excluded.active, categories = excluded.categories,
                push_notification_text = excluded.push_notification_text, point_value = excluded.point_value, reward_value = excluded.reward_value,
                cashback_provider = excluded.cashback_provider, transaction_percentage_value = excluded.transaction_percentage_value,
                cost_in_points = excluded.cost_in_points, target = excluded.target, levels = excluded.levels, segments = excluded.segments,
                labels = excluded.labels, unlimited = excluded.unlimited, single_coupon = excluded.single_coupon,
                usage_limit = excluded.usage_limit, limit_per_user = excluded.limit_per_user, all_time_visible = excluded.all_time_visible,
                visible_from = excluded.visible_from, visible_to = excluded.visible_to, all_time_active = excluded.all_time_active,
                active_from = excluded.active_from, active_to = excluded.active_to, days_inactive = excluded.days_inactive,
                days_valid = excluded.days_valid, featured = excluded.featured, public = excluded.public, updated_at = now()
            """)
        try await replaceCoupons(on: db, storeID: storeID, campaignID: campaign.id, codes: campaign.coupons, append: false)
    }

    /// Codes handed out that a replacement would remove.
    struct IssuedCouponsRemoved: Error {
        let codes: [String]
    }

    /// Replaces the pool with `codes`, or adds them (`append`). Handed-out codes cannot be removed.
    static func replaceCoupons(on db: some PostgresQueryable, storeID: UUID, campaignID: UUID, codes: [String], append: Bool) async throws {
        let literal = SQLArray.texts(codes)
        if !append {
            let removedIssued = try await db.query("""
                SELECT code FROM campaigns.coupons WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND issued
                  AND NOT code = ANY(\(literal)::text[]) ORDER BY position
                """).map { try $0.decode(String.self, "code") }
            guard removedIssued.isEmpty else { throw IssuedCouponsRemoved(codes: removedIssued) }
            try await db.execute("""
                DELETE FROM campaigns.coupons WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND NOT code = ANY(\(literal)::text[])
                """)
        }
        try await db.execute("""
            INSERT INTO campaigns.coupons (store_id, campaign_id, code)
            SELECT \(storeID), \(campaignID), code FROM unnest(\(literal)::text[]) WITH ORDINALITY AS t(code, n) ORDER BY n
            ON CONFLICT DO NOTHING
            """)
        try await db.execute("""
            UPDATE campaigns.campaigns SET free_coupons = (
                SELECT count(*) FROM campaigns.coupons WHERE store_id = \(storeID) AND campaign_id = \(campaignID) AND NOT issued
            ) WHERE store_id = \(storeID) AND id = \(campaignID)
            """)
    }

    static func setActive(on db: some PostgresQueryable, storeID: UUID, id: UUID, active: Bool) async throws -> Bool {
        try await db.execute("""
            UPDATE campaigns.campaigns SET active = \(active), updated_at = now() WHERE store_id = \(storeID) AND id = \(id)
            """) > 0
    }
}
