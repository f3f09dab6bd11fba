import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Levels: LV-01…LV-13 and the customer's list C40.
struct LevelController {
    let service: LevelService
    let files = FileStore()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("level", use: list)
        routes.post("level/create", use: create)
        routes.get("level/{level}", use: get)
        routes.put("level/{level}", use: update)
        routes.post("level/{level}/activate", use: activate)
        routes.get("level/{level}/customers", use: customers)
        routes.post("level/{level}/photo", use: uploadPhoto)
        routes.get("level/{level}/photo", use: photo)
        routes.delete("level/{level}/photo", use: deletePhoto)
        routes.get("seller/level", use: list)
        routes.get("seller/level/{level}", use: get)
        routes.get("customer/level", use: listForCustomer)
        routes.get("csv/level/{level}", use: csv)
        return routes
    }

    /// LV-01, LV-10: `{"levels":[…],"total":N}`, inactive levels included.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await Self.requireReader(context)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: LevelRepository.sortable, defaultSort: "conditionValue")
        let (levels, total) = try await service.levels.list(on: context.runtime.pool, storeID: context.store.id, page: page, activeOnly: false)
        let locale = query["_locale"]?.trimmedText
        return try Response.json(ListEnvelope("levels", items: levels.map { LevelView($0, locale: locale) }, total: total))
    }

    /// C40: a customer's view of the active levels.
    @Sendable func listForCustomer(_ request: Request, context: StoreContext) async throws -> Response {
        _ = try context.requireIdentity()
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: LevelRepository.sortable, defaultSort: "name")
        let (levels, total) = try await service.levels.list(on: context.runtime.pool, storeID: context.store.id, page: page, activeOnly: true)
        let locale = query["_locale"]?.trimmedText
        return try Response.json(ListEnvelope("levels", items: levels.map { CustomerLevelView($0, locale: locale) }, total: total))
    }

    /// LV-03, LV-11.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await Self.requireReader(context)
        let level = try await service.levels.find(on: context.runtime.pool, storeID: context.store.id, id: try context.uuidParameter("level"))
        let locale = try context.queryInput(of: request)["_locale"]?.trimmedText
        return try Response.json(LevelView(try level.orThrow(APIError.notFound), locale: locale))
    }

    /// LV-02: `{"id":…}`.
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.level, .modify)
        let form = try LevelForm(try await context.input(from: request), current: nil)
        let id = try await service.create(form, store: context.store, change: context.change, pool: context.runtime.pool)
        return try Response.json(LevelIdentifier(id: id.text))
    }

    /// LV-04: `{"id":…}`; every field of the form is replaced.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.level, .modify)
        let id = try context.uuidParameter("level")
        try await service.update(id, input: try await context.input(from: request), store: context.store, change: context.change, pool: context.runtime.pool)
        return try Response.json(LevelIdentifier(id: id.text))
    }

    /// LV-05: `active` 1/0 → `204`; `400 {"active":"this field is required"}` without it.
    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.level, .modify)
        let input = try await context.inputIncludingQuery(from: request)
        guard let value = input["active"], !value.isBlank else {
            throw APIError(status: .badRequest, body: Array(#"{"active":"this field is required"}"#.utf8))
        }
        let id = try context.uuidParameter("level")
        try await service.setActive(id, active: FormCheck.checkbox(value), store: context.store, change: context.change, pool: context.runtime.pool)
        return .noContent
    }

    /// LV-06: `{"customers":[{customerId, firstName, lastName, email}],"total":N}`.
    @Sendable func customers(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.level, .view)
        let id = try context.uuidParameter("level")
        let pool = context.runtime.pool
        guard try await service.levels.exists(on: pool, storeID: context.store.id, id: id) else { throw APIError.notFound }
        let page = try Pagination(try context.queryInput(of: request), sortable: CustomerFilters.sortable, defaultSort: "createdAt", defaultDirection: .descending)
        let (items, total) = try await CustomerRepository().list(on: pool, storeID: context.store.id, filters: "c.level_id = \(id)", page: page)
        return try Response.json(ListEnvelope("customers", items: items.map(MemberView.init), total: total))
    }

    /// LV-07: multipart `photo[file]` (png, gif, jpeg; at most 2 MB; at least 600×600) → `200 []`.
    @Sendable func uploadPhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.level, .modify)
        let id = try context.uuidParameter("level")
        let (file, type) = try ImageUpload.read(try await context.input(from: request), field: ["photo", "file"], minimumSide: 600)
        let pool = context.runtime.pool
        guard try await service.levels.exists(on: pool, storeID: context.store.id, id: id) else { throw APIError.notFound }
        let storeID = context.store.id, change = context.change
        try await pool.transaction { tx in
            try await files.save(on: tx, storeID: storeID, kind: .levelPhoto, owner: id.text, file: file, mime: type)
            try await change.record(on: tx, store: storeID, event: "LevelPhotoWasSet", audit: "UpdateLevel", entity: "level", id: id,
                                    payload: ["levelId": id.text, "mime": type])
        }
        return .emptyArray
    }

    /// LV-08: anonymous; the image, or 404.
    @Sendable func photo(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("level")
        let file = try await files.find(on: context.runtime.pool, storeID: context.store.id, kind: .levelPhoto, owner: id.text)
        return ImageUpload.response(try file.orThrow(APIError.notFound))
    }

    /// LV-09: `200 []`.
    @Sendable func deletePhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.level, .modify)
        let id = try context.uuidParameter("level")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            guard try await files.delete(on: tx, storeID: storeID, kind: .levelPhoto, owner: id.text) else { throw APIError.notFound }
            try await change.record(on: tx, store: storeID, event: "LevelPhotoWasRemoved", audit: "UpdateLevel", entity: "level", id: id,
                                    payload: ["levelId": id.text])
        }
        return .emptyArray
    }

    /// LV-13: the level's customers as CSV.
    @Sendable func csv(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segmentExport, .view)
        let id = try context.uuidParameter("level")
        let level = try await service.levels.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        return try await CustomerCSV.response(name: level.name, storeID: context.store.id, where: "c.level_id = \(id)", on: context.runtime.pool)
    }

    /// Admins with `LEVEL` view, or sellers.
    static func requireReader(_ context: StoreContext) async throws {
        if context.identity?.kind == .seller { return }
        try await context.requireAdmin(.level, .view)
    }
}

/// A customer in a level's or segment's member list.
struct MemberView: Encodable {
    let customerId: String
    let firstName: String?
    let lastName: String?
    let email: String?
    let phone: String?

    init(_ customer: CustomerRecord) {
        customerId = customer.id.text
        firstName = customer.firstName
        lastName = customer.lastName
        email = customer.email
        phone = customer.phone
    }
}
