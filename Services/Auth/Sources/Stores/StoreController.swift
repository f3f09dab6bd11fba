import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Store API (EP-25…28): the tenants. Admins with the `STORE` resource.
struct StoreController {
    let repository: StoreRepository

    /// A store as the API shows it.
    struct StoreView: Encodable {
        let storeId: String
        let code: String
        let name: String
        let currency: String
        let active: Bool
        let createdAt: String

        init(_ record: StoreRecord) {
            storeId = record.store.id.uuidString.lowercased()
            code = record.store.code
            name = record.store.name
            currency = record.store.currency
            active = record.store.active
            createdAt = Timestamp.compact(record.createdAt)
        }
    }

    struct Created: Encodable {
        let storeId: String
    }

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.get("api/store", use: list)
        routes.post("api/store", use: create)
        routes.get("api/store/{store}", use: get)
        routes.put("api/store/{store}", use: update)
        return routes
    }

    @Sendable func list(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.store, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: StoreRepository.sortable, defaultSort: "code")
        let filter = StoreFilter(active: query["active"]?.bool, name: query["name"]?.trimmedText)
        let (stores, total) = try await repository.list(on: context.runtime.pool, filter: filter, page: page)
        return try Response.json(ListEnvelope("stores", items: stores.map(StoreView.init), total: total))
    }

    @Sendable func get(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.store, .view)
        let id = try context.uuidParameter("store")
        let record = try await repository.find(on: context.runtime.pool, id: id).orThrow(APIError.notFound)
        return try Response.json(StoreView(record))
    }

    @Sendable func create(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.store, .modify)
        let store = try StoreForm.read(try await context.inputIncludingQuery(from: request), current: nil)
        let record = try await reportingDuplicateCode { try await context.runtime.pool.transaction { tx in
            try await checkCodeIsFree(store, on: tx)
            let record = try await repository.create(on: tx, code: store.code, name: store.name, currency: store.currency, active: store.active)
            try await Change(by: context).record(
                on: tx, event: "StoreWasCreated", audit: "CreateStore", entity: "store", id: record.store.id.uuidString.lowercased(),
                storeID: record.store.id, payload: StoreView(record)
            )
            return record
        } }
        context.runtime.stores.invalidate()
        return try Response.json(Created(storeId: record.store.id.uuidString.lowercased()))
    }

    @Sendable func update(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.store, .modify)
        let id = try context.uuidParameter("store")
        let input = try await context.inputIncludingQuery(from: request)
        try await reportingDuplicateCode { try await context.runtime.pool.transaction { tx in
            let current = try await repository.findForUpdate(on: tx, id: id).orThrow(APIError.notFound)
            var record = current
            record.store = try StoreForm.read(input, current: current.store)
            try await checkCodeIsFree(record.store, on: tx)
            try await repository.update(on: tx, record.store)
            try await Change(by: context).record(
                on: tx, event: "StoreWasUpdated", audit: "UpdateStore", entity: "store", id: id.uuidString.lowercased(),
                storeID: id, payload: StoreView(record)
            )
        } }
        context.runtime.stores.invalidate()
        context.runtime.credentialCache?.invalidate()
        return .noContent
    }

    /// A taken code is a form error on `code`, found before writing (and again by the unique key under a race).
    private func checkCodeIsFree(_ store: Store, on tx: some PostgresQueryable) async throws {
        let taken = try await repository.codeIsTaken(on: tx, code: store.code, excluding: store.id)
        if taken { throw Self.duplicateCode }
    }

    /// A code taken by a concurrent request surfaces from the unique key: the same form error.
    private func reportingDuplicateCode<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch is StoreRepository.DuplicateCode {
            throw Self.duplicateCode
        }
    }

    static var duplicateCode: FormErrors {
        var errors = FormErrors(schema: StoreForm.schema)
        errors.add(FormMessage.alreadyUsed, at: "code")
        return errors
    }
}
