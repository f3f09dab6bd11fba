import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Campaign categories in the back office (CAT-01…CAT-05).
struct CategoryController {
    struct Saved: Encodable { let campaignCategoryId: String }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("campaignCategory", use: create)
        group.get("campaignCategory", use: list)
        group.get("campaignCategory/{campaignCategory}", use: get)
        group.put("campaignCategory/{campaignCategory}", use: update)
        group.post("campaignCategory/{campaignCategory}/active", use: activate)
    }

    /// CAT-01 → `{"campaignCategoryId": …}`.
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let category = try CategoryForm.read(try await context.input(from: request), current: nil)
        try await save(category, type: "CampaignCategoryWasCreated", context: context)
        return try Response.json(Saved(campaignCategoryId: category.id.text))
    }

    /// CAT-03: a full replacement; locales sent again keep their translation ids.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let current = try await find(context)
        let category = try CategoryForm.read(try await context.input(from: request), current: current)
        try await save(category, type: "CampaignCategoryWasUpdated", context: context)
        return try Response.json(Saved(campaignCategoryId: category.id.text))
    }

    /// CAT-02: by sort order unless told otherwise, filtered by `name` and `active`; names in `_locale`.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: CategoryRepository.sortable, defaultSort: "sortOrder")
        let (categories, total) = try await CategoryRepository.list(
            on: context.runtime.pool, storeID: context.store.id, where: try CategoryFilters.condition(query), page: page
        )
        let language = locale(query)
        return try Response.json(ListEnvelope("categories", items: categories.map { CategoryView(category: $0, locale: language) }, total: total))
    }

    /// CAT-04.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let category = try await find(context)
        return try Response.json(CategoryView(category: category, locale: locale(try context.queryInput(of: request))))
    }

    /// CAT-05: `active` 1/0 → 204 (A27); without it `400 {"active":"this field is required"}`, as levels answer (LV-05).
    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let id = try context.uuidParameter("campaignCategory")
        let input = try await context.inputIncludingQuery(from: request)
        guard let value = input["active"] ?? input["campaign_category"]?["active"], !value.isBlank else {
            throw APIError(status: .badRequest, body: Array(#"{"active":"this field is required"}"#.utf8))
        }
        let active = try value.bool.orThrow(APIError.badRequest("active must be 1, 0, true or false"))
        try await context.runtime.pool.transaction { tx in
            guard try await CategoryRepository.setActive(on: tx, storeID: context.store.id, id: id, active: active) else { throw APIError.notFound }
            let type = active ? "CampaignCategoryWasActivated" : "CampaignCategoryWasDeactivated"
            try await CampaignEvents.append(type, aggregate: "campaign_category", id: id, payload: ["campaignCategoryId": id.text], context: context, on: tx)
        }
        return .noContent
    }

    private func save(_ category: CampaignCategory, type: String, context: StoreContext) async throws {
        try await context.runtime.pool.transaction { tx in
            try await CategoryRepository.save(on: tx, storeID: context.store.id, category)
            try await CampaignEvents.append(
                type, aggregate: "campaign_category", id: category.id, payload: ["campaignCategoryId": category.id.text], context: context, on: tx
            )
        }
    }

    private func find(_ context: StoreContext) async throws -> CampaignCategory {
        let id = try context.uuidParameter("campaignCategory")
        return try await CategoryRepository.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
    }
}
