import Customers
import Foundation
import Postgres
import ServiceKit

/// Builds campaign views with what they show besides the campaign: coupon pools, usage counters, level, segment
/// and category names, photos, and how many customers each campaign reaches.
struct CampaignPresenter {
    let pools: [UUID: [String]]
    let usage: [UUID: CampaignUsage]
    let levelNames: [UUID: String]
    let segmentNames: [UUID: String]
    let categoryNames: [UUID: String]
    let photos: [UUID: [CampaignPhoto]]
    let reach: [UUID: Int]
    let locale: String
    let now: Date

    /// Reads what the views of `campaigns` show; the coupon pools only for `audience`s that see them.
    static func load(
        on db: some PostgresQueryable, storeID: UUID, campaigns: [Campaign], for audience: CampaignAudience, locale: String, now: Date = Date()
    ) async throws -> Self {
        let levels = try await CustomersLibrary.levels(on: db, storeID: storeID)
        let segments = campaigns.contains { !$0.segments.isEmpty } ? try await CustomersLibrary.segmentNames(on: db, storeID: storeID) : [:]
        let categories = Array(Set(campaigns.flatMap(\.categories)))
        var reach: [UUID: Int] = [:]
        for campaign in campaigns {
            reach[campaign.id] = try await visibleForCustomersCount(
                on: db, storeID: storeID, campaign: campaign, now: now, cached: audience != .admin
            )
        }
        return Self(
            pools: audience == .customer ? [:] : try await CampaignRepository.coupons(on: db, storeID: storeID, ids: campaigns.map(\.id)),
            usage: try await CampaignRepository.usage(on: db, storeID: storeID, ids: campaigns.map(\.id)),
            levelNames: Dictionary(uniqueKeysWithValues: levels.map { ($0.id, $0.name) }), segmentNames: segments,
            categoryNames: try await CategoryRepository.names(on: db, storeID: storeID, ids: categories, locale: locale),
            photos: try await MediaRepository.photos(on: db, storeID: storeID, campaignIDs: campaigns.map(\.id)), reach: reach,
            locale: locale, now: now
        )
    }

    /// The customers a campaign is visible to now: none when it is out of its visibility window, and never for
    /// cashback or percentage discounts, which are not bought from a list (appendix).
    /// Admins get a fresh count; customers and sellers one up to `ReachCache.ttl` old.
    static func visibleForCustomersCount(
        on db: some PostgresQueryable, storeID: UUID, campaign: Campaign, now: Date, cached: Bool = false
    ) async throws -> Int {
        guard campaign.isVisible(at: now), !campaign.reward.singleUnit else { return 0 }
        guard cached else {
            return try await CustomersLibrary.targetedCustomerCount(on: db, storeID: storeID, levels: campaign.levels, segments: campaign.segments)
        }
        let key = ReachCache.Key(storeID: storeID, levels: campaign.levels.sorted { $0.uuidString < $1.uuidString },
                                 segments: campaign.segments.sorted { $0.uuidString < $1.uuidString })
        return try await ReachCache.shared.count(key, now: now) {
            try await CustomersLibrary.targetedCustomerCount(on: db, storeID: storeID, levels: campaign.levels, segments: campaign.segments)
        }
    }

    /// The view of a campaign for an audience; `withoutCoupons` leaves the pool out (CMP-06 `withoutCoupons`).
    func view(_ campaign: Campaign, for audience: CampaignAudience, offer: CustomerOffer? = nil, withoutCoupons: Bool = false) -> CampaignView {
        var campaign = campaign
        campaign.coupons = withoutCoupons ? [] : pools[campaign.id] ?? []
        return CampaignView(
            campaign: campaign, audience: audience, locale: locale, usage: usage[campaign.id] ?? CampaignUsage(),
            visibleForCustomersCount: reach[campaign.id] ?? 0,
            levelNames: names(campaign.levels, levelNames), segmentNames: names(campaign.segments, segmentNames),
            categoryNames: names(campaign.categories, categoryNames), photos: photos[campaign.id] ?? [], offer: offer, now: now
        )
    }

    private func names(_ ids: [UUID], _ known: [UUID: String]) -> [String: String] {
        var names: [String: String] = [:]
        for id in ids { if let name = known[id] { names[id.text] = name } }
        return names
    }
}
