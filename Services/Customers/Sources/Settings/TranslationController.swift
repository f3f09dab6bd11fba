import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// The front-end translations of a store (ST-15, ST-16): `translation[name, code, default, order, content]`,
/// `content` being the translation document (a JSON object, sent as JSON text in forms).
struct TranslationController {
    static let schema: FormSchema = ["name", "code", "default", "order", "content"]
    static let defaultRequired = "Some default language is required"

    struct Summary: Encodable {
        let code: String
        let name: String
        let `default`: Bool
        let order: Int
        let updatedAt: String
    }

    struct Details: Encodable {
        let code: String
        let name: String
        let `default`: Bool
        let order: Int
        let updatedAt: String
        let content: JSONValue
    }

    struct Form {
        var name = ""
        var code = ""
        var isDefault = false
        var order = 0
        var content: JSONValue = .object([:])
        var errors = FormErrors(schema: TranslationController.schema)

        init(_ input: FormValue) throws {
            guard let form = input["translation"], form.map != nil else { throw FormErrors(schema: TranslationController.schema) }
            name = form["name"]?.trimmedText ?? ""
            if name.isEmpty { errors.add(FormMessage.notBlank, at: "name") }
            code = form["code"]?.trimmedText ?? ""
            if code.isEmpty { errors.add(FormMessage.notBlank, at: "code") }
            else if code.count > 16 || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                errors.add(FormMessage.invalid, at: "code")
            }
            isDefault = FormCheck.checkbox(form["default"])
            if let value = form["order"], !value.isBlank {
                if let number = value.int { order = number } else { errors.add(FormMessage.invalid, at: "order") }
            }
            switch form["content"] {
            case .map?: content = JSONValue(form["content"] ?? .null)
            case let value?:
                if let text = value.string, let data = text.data(using: .utf8),
                   let parsed = try? JSONDecoder().decode(JSONValue.self, from: data), case .object = parsed {
                    content = parsed
                } else {
                    errors.add(FormMessage.invalid, at: "content")
                }
            case nil: errors.add(FormMessage.notBlank, at: "content")
            }
        }
    }

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("translations", use: current)
        routes.get("admin/translations", use: list)
        routes.post("admin/translations", use: create)
        routes.get("admin/translations/{code}", use: get)
        routes.put("admin/translations/{code}", use: update)
        routes.delete("admin/translations/{code}", use: delete)
        return routes
    }

    /// ST-15: anonymous; the content of `_locale` when it exists, else of the default translation; `{}` without any.
    @Sendable func current(_ request: Request, context: StoreContext) async throws -> Response {
        let locale = try context.queryInput(of: request)["_locale"]?.trimmedText
        let row = try await context.runtime.pool.query("""
            SELECT content FROM customers.translations WHERE store_id = \(context.store.id)
            ORDER BY code = \(locale ?? "") DESC, is_default DESC, position, code LIMIT 1
            """).firstRow
        return try Response.json(try row.map { JSONValue(try $0.decode(JSONB.self, "content")) } ?? .object([:]))
    }

    /// ST-16: `{"translations":[{code, name, default, order, updatedAt}],"total":N}`.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .view)
        let rows = try await context.runtime.pool.query("""
            SELECT code, name, is_default, position, updated_at FROM customers.translations WHERE store_id = \(context.store.id)
            ORDER BY position, code
            """)
        let items = try rows.map { row in
            Summary(code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"), default: try row.decode(Bool.self, "is_default"),
                    order: try row.decode(Int.self, "position"), updatedAt: Timestamps.compact(try row.decode(Date.self, "updated_at")))
        }
        return try Response.json(ListEnvelope("translations", items: items, total: items.count))
    }

    /// ST-16: one translation with its content; 404 when unknown.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .view)
        let row = try await context.runtime.pool.query("""
            SELECT code, name, is_default, position, updated_at, content FROM customers.translations
            WHERE store_id = \(context.store.id) AND code = \(try context.textParameter("code"))
            """).firstRow.orThrow(APIError.notFound)
        return try Response.json(Details(
            code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"), default: try row.decode(Bool.self, "is_default"),
            order: try row.decode(Int.self, "position"), updatedAt: Timestamps.compact(try row.decode(Date.self, "updated_at")),
            content: JSONValue(try row.decode(JSONB.self, "content"))
        ))
    }

    /// ST-16: `{"code":…}`; a code already used is `This value is already used.`; the first translation is the default.
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        let form = try Form(try await context.input(from: request))
        try await save(form, existing: nil, context: context)
        return try Response.json(["code": form.code])
    }

    /// ST-16: replaces the translation (its code may change); `{"code":…}`.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        let code = try context.textParameter("code")
        let form = try Form(try await context.input(from: request))
        try await save(form, existing: code, context: context)
        return try Response.json(["code": form.code])
    }

    /// ST-16: `204`; the default translation cannot be deleted while others exist.
    @Sendable func delete(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        let code = try context.textParameter("code")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            let row = try await tx.query("""
                SELECT is_default, (SELECT count(*) FROM customers.translations WHERE store_id = \(storeID)) AS total
                FROM customers.translations WHERE store_id = \(storeID) AND code = \(code) FOR UPDATE
                """).firstRow.orThrow(APIError.notFound)
            if try row.decode(Bool.self, "is_default"), try row.decode(Int.self, "total") > 1 {
                throw APIError.domain(Self.defaultRequired)
            }
            try await tx.execute("DELETE FROM customers.translations WHERE store_id = \(storeID) AND code = \(code)")
            try await change.record(on: tx, store: storeID, event: "TranslationWasDeleted", audit: "ChangeSettings", entity: "settings", id: storeID,
                                    payload: ["code": code])
        }
        return .noContent
    }

    private func save(_ form: Form, existing: String?, context: StoreContext) async throws {
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtext(\("translations/" + storeID.text))::bigint)")
            var errors = form.errors
            var wasDefault = false
            if let existing {
                wasDefault = try await tx.query("""
                    SELECT is_default FROM customers.translations WHERE store_id = \(storeID) AND code = \(existing)
                    """).firstRow.orThrow(APIError.notFound).decode(Bool.self, "is_default")
            }
            if !form.code.isEmpty, form.code != existing, try await tx.query("""
                SELECT EXISTS (SELECT 1 FROM customers.translations WHERE store_id = \(storeID) AND code = \(form.code)) AS taken
                """).scalar(Bool.self) {
                errors.add(FormMessage.alreadyUsed, at: "code")
            }
            let others = try await tx.query("""
                SELECT count(*) FROM customers.translations WHERE store_id = \(storeID) AND code IS DISTINCT FROM \(existing)
                """).scalar(Int.self)
            if wasDefault, !form.isDefault { errors.add(Self.defaultRequired, at: "default") }
            guard errors.isEmpty else { throw errors }
            let isDefault = form.isDefault || others == 0
            if isDefault { try await tx.execute("UPDATE customers.translations SET is_default = false WHERE store_id = \(storeID)") }
            if let existing { try await tx.execute("DELETE FROM customers.translations WHERE store_id = \(storeID) AND code = \(existing)") }
            try await tx.execute("""
                INSERT INTO customers.translations (store_id, code, name, is_default, position, content, updated_at)
                VALUES (\(storeID), \(form.code), \(form.name), \(isDefault), \(form.order), \(try JSONB(encoding: form.content))::jsonb, now())
                """)
            try await change.record(on: tx, store: storeID, event: existing == nil ? "TranslationWasCreated" : "TranslationWasUpdated",
                                    audit: "ChangeSettings", entity: "settings", id: storeID, payload: ["code": form.code])
        }
    }
}
