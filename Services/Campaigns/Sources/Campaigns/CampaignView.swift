import Foundation
import Postgres
import ServiceKit

/// Who a campaign is shown to: each audience sees its own field set (campaigns §1.15).
enum CampaignAudience: Sendable {
    /// Everything, the coupon pool included.
    case admin
    /// The admin set without validity days, photo flag and translations.
    case seller
    /// No coupon pool, levels or segments: what a customer may know.
    case customer
}

/// What a customer-context list adds to each campaign (CMP-16, CMP-25, CMP-27).
struct CustomerOffer: Sendable, Hashable {
    let usageLeftForCustomer: Int
    let canBeBoughtByCustomer: Bool
}

/// A campaign as the API shows it, with its computed counters.
struct CampaignView: Encodable, Sendable {
    let campaign: Campaign
    let audience: CampaignAudience
    let locale: String
    let usage: CampaignUsage
    let visibleForCustomersCount: Int
    let levelNames: [String: String]
    let segmentNames: [String: String]
    /// The campaign's categories by id, named in the view's locale (appendix: responses add `categoryNames`).
    let categoryNames: [String: String]
    /// The photos' descriptions, in upload order; `hasPhoto` says whether there is any.
    let photos: [CampaignPhoto]
    var offer: CustomerOffer?
    var now = Date()
    /// Only the admin details (CMP-15) list the photos (campaigns §1.15).
    var showsPhotos = false

    private enum Key: String, CodingKey {
        case levels, segments, coupons, campaignId, reward, name, shortDescription, conditionsDescription, usageInstruction, brandDescription
        case active, costInPoints, singleCoupon, unlimited, limit, limitPerUser, daysValid, daysInactive, campaignActivity, campaignVisibility
        case segmentNames, levelNames, labels, willBeActiveFrom = "will_be_active_from", willBeActiveTo = "will_be_active_to"
        case usageLeft, usageLeftForCustomer, canBeBoughtByCustomer, visibleForCustomersCount, usersWhoUsedThisCampaignCount, hasPhoto
        case categories, categoryNames, featured, `public`, pointValue, rewardValue, cashbackProvider, transactionPercentageValue, translations
        case photos
    }

    private struct Activity: Encodable {
        let allTimeActive: Bool
        let activeFrom: String?
        let activeTo: String?
    }

    private struct Visibility: Encodable {
        let allTimeVisible: Bool
        let visibleFrom: String?
        let visibleTo: String?
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        if audience != .customer {
            try c.encode(campaign.levels.map(\.text), forKey: .levels)
            try c.encode(campaign.segments.map(\.text), forKey: .segments)
            try c.encode(campaign.coupons, forKey: .coupons)
        }
        try c.encode(campaign.id.text, forKey: .campaignId)
        try c.encode(campaign.reward.rawValue, forKey: .reward)
        try encodeTexts(in: &c)
        try c.encode(campaign.active, forKey: .active)
        try c.encode(campaign.costInPoints, forKey: .costInPoints)
        try c.encode(campaign.singleCoupon, forKey: .singleCoupon)
        try c.encode(campaign.unlimited, forKey: .unlimited)
        try c.encodeIfPresent(campaign.limit, forKey: .limit)
        try c.encodeIfPresent(campaign.limitPerUser, forKey: .limitPerUser)
        if audience == .admin {
            try c.encode(campaign.daysValid, forKey: .daysValid)
            try c.encode(campaign.daysInactive, forKey: .daysInactive)
        }
        try encodeWindows(in: &c)
        try encodeMap(segmentNames, forKey: .segmentNames, in: &c)
        try encodeMap(levelNames, forKey: .levelNames, in: &c)
        if !campaign.labels.isEmpty { try c.encode(campaign.labels, forKey: .labels) }
        try encodeCounters(in: &c)
        if audience == .admin { try encodeAdminFields(in: &c) }
    }

    /// The texts of the view's locale.
    private func encodeTexts(in c: inout KeyedEncodingContainer<Key>) throws {
        let texts = campaign.translation(locale)
        try c.encodeIfPresent(texts?.name, forKey: .name)
        try c.encodeIfPresent(texts?.shortDescription, forKey: .shortDescription)
        try c.encodeIfPresent(texts?.conditionsDescription, forKey: .conditionsDescription)
        try c.encodeIfPresent(texts?.usageInstruction, forKey: .usageInstruction)
    }

    /// The activity and visibility windows (dates left out when all-time), and when a campaign not active now
    /// will be (A19).
    private func encodeWindows(in c: inout KeyedEncodingContainer<Key>) throws {
        let always = campaign.allTimeActive, visible = campaign.allTimeVisible
        try c.encode(Activity(
            allTimeActive: always, activeFrom: always ? nil : campaign.activeFrom.map(Timestamp.iso),
            activeTo: always ? nil : campaign.activeTo.map(Timestamp.iso)
        ), forKey: .campaignActivity)
        try c.encode(Visibility(
            allTimeVisible: visible, visibleFrom: visible ? nil : campaign.visibleFrom.map(Timestamp.iso),
            visibleTo: visible ? nil : campaign.visibleTo.map(Timestamp.iso)
        ), forKey: .campaignVisibility)
        if !always, !campaign.isActive(at: now) {
            try c.encodeIfPresent(campaign.activeFrom.map(Timestamp.iso), forKey: .willBeActiveFrom)
            try c.encodeIfPresent(campaign.activeTo.map(Timestamp.iso), forKey: .willBeActiveTo)
        }
    }

    private func encodeCounters(in c: inout KeyedEncodingContainer<Key>) throws {
        try c.encode(usage.usageLeft(campaign), forKey: .usageLeft)
        if let offer {
            try c.encode(offer.usageLeftForCustomer, forKey: .usageLeftForCustomer)
            try c.encode(offer.canBeBoughtByCustomer, forKey: .canBeBoughtByCustomer)
        }
        try c.encode(visibleForCustomersCount, forKey: .visibleForCustomersCount)
        try c.encode(usage.buyers, forKey: .usersWhoUsedThisCampaignCount)
    }

    /// What only admins see: photos, categories, flags and type-specific values a full replacement sends again.
    private func encodeAdminFields(in c: inout KeyedEncodingContainer<Key>) throws {
        try c.encode(!photos.isEmpty, forKey: .hasPhoto)
        try c.encode(campaign.categories.map(\.text), forKey: .categories)
        try encodeMap(categoryNames, forKey: .categoryNames, in: &c)
        try c.encode(campaign.featured, forKey: .featured)
        try c.encode(campaign.isPublic, forKey: .public)
        try c.encodeIfPresent(campaign.pointValue, forKey: .pointValue)
        try c.encodeIfPresent(campaign.rewardValue, forKey: .rewardValue)
        try c.encodeIfPresent(campaign.cashbackProvider, forKey: .cashbackProvider)
        try c.encodeIfPresent(campaign.transactionPercentageValue, forKey: .transactionPercentageValue)
        try c.encode(campaign.translations.map(TranslationView.init), forKey: .translations)
        if showsPhotos { try c.encode(photos.map(CampaignPhotoView.init), forKey: .photos) }
    }

    /// An empty map is `[]`, as the documentation shows it (A17).
    private func encodeMap(_ map: [String: String], forKey key: Key, in c: inout KeyedEncodingContainer<Key>) throws {
        if map.isEmpty { try c.encode([String](), forKey: key) } else { try c.encode(map, forKey: key) }
    }

    /// `{name, shortDescription?, …, id, locale}` (campaigns §1.2).
    private struct TranslationView: Encodable {
        let translation: CampaignTranslation

        private enum Key: String, CodingKey {
            case name, shortDescription, conditionsDescription, usageInstruction, brandDescription, id, locale
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encodeIfPresent(translation.name, forKey: .name)
            try c.encodeIfPresent(translation.shortDescription, forKey: .shortDescription)
            try c.encodeIfPresent(translation.conditionsDescription, forKey: .conditionsDescription)
            try c.encodeIfPresent(translation.usageInstruction, forKey: .usageInstruction)
            try c.encodeIfPresent(translation.brandDescription, forKey: .brandDescription)
            try c.encode(translation.id, forKey: .id)
            try c.encode(translation.locale, forKey: .locale)
        }
    }
}
