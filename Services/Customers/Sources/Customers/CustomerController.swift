import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Reading, updating and deleting customers: C05, C06 (lists), C10 (check), C12 (details), C13 (partial
/// update), C34 (POS search), C37 (delete).
struct CustomerController {
    let reader: CustomerReader
    let update: CustomerUpdate
    let lifecycle: CustomerLifecycle

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("customer", use: list)
        routes.get("admin/customer", use: listByAdmin)
        routes.get("customer/check", use: check)
        routes.post("pos/search/customer", use: search)
        routes.get("customer/{customer}", use: get)
        routes.put("customer/{customer}", use: self.update)
        routes.delete("customer/{customer}", use: delete)
        return routes
    }

    /// C05: admins and sellers; filters, labels, sort, pages or a scroll.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.require(context, .view)
        let query = try context.queryInput(of: request)
        return try Response.json(try await reader.list(query, store: context.store, labels: true, on: context.runtime.pool))
    }

    /// C06: admins; the same filters without labels.
    @Sendable func listByAdmin(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .view)
        let query = try context.queryInput(of: request)
        return try Response.json(try await reader.list(query, store: context.store, labels: false, on: context.runtime.pool))
    }

    /// C10: `{"total":N}`, the customers whose e-mail (any case) or phone is exactly `emailOrPhone`.
    @Sendable func check(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.require(context, .view)
        let value = try context.queryInput(of: request)["emailOrPhone"]?.trimmedText ?? ""
        let total = try await context.runtime.pool.query("""
            SELECT count(*) FROM customers.customers
            WHERE store_id = \(context.store.id) AND status <> 'deleted' AND (lower(email) = lower(\(value)) OR phone = \(value))
            """).scalar(Int.self)
        return try Response.json(["total": total])
    }

    /// C34: sellers (and admins) search by card, phone, e-mail (exact) or names, city, postcode (prefix).
    @Sendable func search(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.require(context, .view)
        let input = try await context.inputIncludingQuery(from: request)
        let customers = try await PosSearch(input["search"] ?? .map(FormMap())).run(store: context.store, on: context.runtime.pool)
        return try Response.json(["customers": customers])
    }

    /// C12: admins, sellers, or the customer itself.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .view, customer: id)
        let locale = try context.queryInput(of: request)["_locale"]?.trimmedText
        return try Response.json(try await reader.details(id, store: context.store, locale: locale, on: context.runtime.pool))
    }

    /// C13: `200 {"customerId"}`. Customers edit themselves only while the program allows profile edits.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        let identity = try await CustomerAccess.require(context, .modify, customer: id)
        let kind: CustomerFormKind = identity.kind == .customer ? .selfUpdate : .update
        if kind == .selfUpdate {
            let program = try await reader.settings.load(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency)
            guard program.allowCustomersProfileEdits else { throw APIError.forbidden() }
        }
        let form = try CustomerForm(try await context.input(from: request), kind: kind)
        try await self.update.update(id, form: form, store: context.store, change: context.change, pool: context.runtime.pool)
        return try Response.json(CustomerIdentifier(customerId: id.text))
    }

    /// C37: `204`; the customer is gone from every endpoint and cannot log in.
    @Sendable func delete(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.admin(context, .modify)
        try await lifecycle.delete(id, store: context.store, change: context.change, pool: context.runtime.pool)
        return .noContent
    }
}
