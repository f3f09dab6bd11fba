import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Reward campaigns in the back office (CMP-05…07, CMP-11, CMP-15, CMP-22, CMP-29), for sellers (CMP-23, CMP-24)
/// and the public list (CMP-10).
struct CampaignController {
    struct Saved: Encodable { let campaignId: String }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("campaign", use: create)
        group.get("campaign", use: list)
        group.get("campaign/active", use: activeNow)
        group.get("campaign/public/available", use: publicList)
        group.get("campaign/{campaign}", use: get)
        group.put("campaign/{campaign}", use: update)
        group.post("campaign/{campaign}/coupons", use: replaceCoupons)
        group.post("campaign/{campaign}/{active}", use: activate)
        group.get("seller/campaign", use: sellerList)
        group.get("seller/campaign/{campaign}", use: sellerGet)
    }

    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let categories = try await CategoryRepository.ids(on: context.runtime.pool, storeID: context.store.id)
        let campaign = try CampaignForm.read(try await context.input(from: request), current: nil, categories: categories)
        try await save(campaign, type: "CampaignWasCreated", context: context)
        return try Response.json(Saved(campaignId: campaign.id.text))
    }

    /// CMP-11: a full replacement. A `campaign[photos]` field is ignored: photos come only through CMP-21 (A12).
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let current = try await find(context)
        let categories = try await CategoryRepository.ids(on: context.runtime.pool, storeID: context.store.id)
        let campaign = try CampaignForm.read(try await context.input(from: request), current: current, categories: categories)
        try await save(campaign, type: "CampaignWasUpdated", context: context)
        return try Response.json(Saved(campaignId: campaign.id.text))
    }

    private func save(_ campaign: Campaign, type: String, context: StoreContext) async throws {
        let storeID = context.store.id
        do {
            try await context.runtime.pool.transaction { tx in
                try await CampaignRepository.save(on: tx, storeID: storeID, campaign)
                try await appendEvent(type, campaignID: campaign.id, context: context, on: tx)
            }
        } catch let error as CampaignRepository.IssuedCouponsRemoved {
            var errors = FormErrors(schema: CampaignForm.schema(locales: ["en"]))
            errors.add("Removing used coupons (\(error.codes.joined(separator: ", "))) is not permitted", at: "coupons")
            throw errors
        }
    }

    /// CMP-06: every campaign, filtered by labels (every condition must match) and categories.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: CampaignRepository.sortable, defaultSort: "createdAt")
        let condition = try CampaignFilters.condition(query)
        let pool = context.runtime.pool
        let (campaigns, total) = try await CampaignRepository.list(on: pool, storeID: context.store.id, where: condition, page: page)
        let withoutCoupons = query["withoutCoupons"]?.bool == true
        let presenter = try await CampaignPresenter.load(on: pool, storeID: context.store.id, campaigns: campaigns, for: .admin, locale: locale(query))
        return try Response.json(ListEnvelope("campaigns", items: campaigns.map { presenter.view($0, for: .admin, withoutCoupons: withoutCoupons) }, total: total))
    }

    /// CMP-07: the campaigns that can be bought now, id and name.
    @Sendable func activeNow(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let query = try context.queryInput(of: request)
        let now = Date()
        let campaigns = try await CampaignRepository.list(on: context.runtime.pool, storeID: context.store.id, where: "c.active", page: nil)
            .campaigns.filter { $0.isActive(at: now) }
        struct Item: Encodable {
            let id: String
            let name: String?
        }
        struct Envelope: Encodable { let campaigns: [Item] }
        let language = locale(query)
        return try Response.json(Envelope(campaigns: campaigns.map { Item(id: $0.id.text, name: $0.translation(language)?.name) }))
    }

    /// CMP-10: public campaigns that can be bought now, for a storefront; no credentials needed.
    @Sendable func publicList(_ request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: CampaignRepository.sortable, defaultSort: "createdAt")
        let now = Date()
        let condition = try CampaignFilters.condition(query, publicOnly: true)
        let pool = context.runtime.pool
        let candidates = try await CampaignRepository.list(on: pool, storeID: context.store.id, where: condition, page: nil).campaigns
            .filter { $0.isActive(at: now) && $0.isVisible(at: now) }
        let shown = Array(CampaignFilters.sorted(candidates, by: page).dropFirst(page.offset).prefix(page.perPage))
        let presenter = try await CampaignPresenter.load(on: pool, storeID: context.store.id, campaigns: shown, for: .customer, locale: locale(query), now: now)
        return try Response.json(ListEnvelope("campaigns", items: shown.map { presenter.view($0, for: .customer) }, total: candidates.count))
    }

    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        return try await show(try await find(context), to: .admin, request: request, context: context)
    }

    @Sendable func sellerGet(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try await show(try await find(context), to: .seller, request: request, context: context)
    }

    /// CMP-23: every campaign, seller's field set.
    @Sendable func sellerList(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: CampaignRepository.sortable, defaultSort: "createdAt")
        let pool = context.runtime.pool
        let (campaigns, total) = try await CampaignRepository.list(on: pool, storeID: context.store.id, page: page)
        let presenter = try await CampaignPresenter.load(on: pool, storeID: context.store.id, campaigns: campaigns, for: .seller, locale: locale(query))
        return try Response.json(ListEnvelope("campaigns", items: campaigns.map { presenter.view($0, for: .seller) }, total: total))
    }

    private func show(_ campaign: Campaign, to audience: CampaignAudience, request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let presenter = try await CampaignPresenter.load(on: context.runtime.pool, storeID: context.store.id, campaigns: [campaign], for: audience, locale: locale(query))
        var view = presenter.view(campaign, for: audience)
        view.showsPhotos = audience == .admin
        return try Response.json(view)
    }

    /// CMP-22: `active` or `inactive`; any other word is not this route.
    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let id = try context.uuidParameter("campaign")
        let active: Bool
        switch context.parameters.get("active") {
        case "active": active = true
        case "inactive": active = false
        default: throw APIError.notFound
        }
        try await context.runtime.pool.transaction { tx in
            guard try await CampaignRepository.setActive(on: tx, storeID: context.store.id, id: id, active: active) else { throw APIError.notFound }
            try await appendEvent(active ? "CampaignWasActivated" : "CampaignWasDeactivated", campaignID: id, context: context, on: tx)
        }
        return try Response.json(Saved(campaignId: id.text))
    }

    /// CMP-29: `{"coupons": [...], "append": bool}` replaces the pool, or adds to it; handed-out codes must stay.
    @Sendable func replaceCoupons(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let id = try context.uuidParameter("campaign")
        let input = try await context.input(from: request)
        let codes = CampaignForm.list(input["coupons"])
        let append = input["append"]?.bool ?? false
        guard input["coupons"] != nil else {
            var errors = FormErrors(schema: ["coupons", "append"])
            errors.add(FormMessage.notBlank, at: "coupons")
            throw errors
        }
        do {
            try await context.runtime.pool.transaction { tx in
                guard try await CampaignRepository.find(on: tx, storeID: context.store.id, id: id, lock: true) != nil else { throw APIError.notFound }
                try await CampaignRepository.replaceCoupons(on: tx, storeID: context.store.id, campaignID: id, codes: codes, append: append)
                try await appendEvent("CampaignCouponsWereChanged", campaignID: id, context: context, on: tx)
            }
        } catch let error as CampaignRepository.IssuedCouponsRemoved {
            throw APIError.domain("Removing used coupons (\(error.codes.joined(separator: ", "))) is not permitted")
        }
        return .noContent
    }

    private func find(_ context: StoreContext) async throws -> Campaign {
        let id = try context.uuidParameter("campaign")
        return try await CampaignRepository.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
    }

    private func appendEvent(_ type: String, campaignID: UUID, context: StoreContext, on tx: PostgresSession) async throws {
        try await CampaignEvents.append(type, aggregate: "campaign", id: campaignID, payload: ["campaignId": campaignID.text], context: context, on: tx)
    }
}

/// The locale of translated fields: `_locale`, English by default (A36).
func locale(_ query: FormValue) -> String { query["_locale"]?.trimmedText ?? "en" }
