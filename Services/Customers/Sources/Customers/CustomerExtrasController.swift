import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// Avatars (C16–C18), push tokens (C21–C23), the history (C04), registration counts (C15) and the
/// invitation list (C41).
struct CustomerExtrasController {
    let customers = CustomerRepository()
    let files = FileStore()
    let invitations = InvitationRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("customer/{customer}/avatar", use: setAvatar)
        routes.get("customer/{customer}/avatar", use: avatar)
        routes.delete("customer/{customer}/avatar", use: removeAvatar)
        routes.get("customer/{customer}/pushy-token", use: pushyTokens)
        routes.post("customer/{customer}/pushy-token", use: addPushyToken)
        routes.delete("customer/{customer}/pushy-token/{tokenToRemove}", use: removePushyToken)
        routes.get("admin/customer/{customer}/history", use: history)
        routes.get("customer/registrations", use: registrations)
        routes.get("invitations", use: listInvitations)
        return routes
    }

    // MARK: Avatar

    /// C18: multipart `avatar[file]` (png, gif, jpeg, ≤ 2 MB) → `204`; admins, or the customer itself.
    @Sendable func setAvatar(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .modify, customer: id, sellers: false)
        let input = try await context.input(from: request)
        let (file, type) = try ImageUpload.read(input, field: input["avatar"] != nil ? ["avatar", "file"] : ["photo", "file"])
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            _ = try await customers.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
            try await files.save(on: tx, storeID: storeID, kind: .avatar, owner: id.text, file: file, mime: type)
            try await change.record(
                on: tx, store: storeID, event: CustomerEvent.avatarSet, audit: "SetCustomerAvatar", entity: "customer", id: id,
                payload: AvatarSet(customerId: id.text, mime: type, originalName: file.filename)
            )
        }
        return .noContent
    }

    /// C17: the image with its type (decision customers A11: `200`, not the documented `204`); 404 without one.
    @Sendable func avatar(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .view, customer: id)
        let pool = context.runtime.pool
        guard try await customers.exists(on: pool, storeID: context.store.id, id: id) else { throw APIError.notFound }
        let file = try await files.find(on: pool, storeID: context.store.id, kind: .avatar, owner: id.text)
        return ImageUpload.response(try file.orThrow(APIError.notFound))
    }

    /// C16: `204`; 404 when there is no avatar.
    @Sendable func removeAvatar(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .modify, customer: id, sellers: false)
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            _ = try await customers.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
            guard try await files.delete(on: tx, storeID: storeID, kind: .avatar, owner: id.text) else { throw APIError.notFound }
            try await change.record(
                on: tx, store: storeID, event: CustomerEvent.avatarRemoved, audit: "RemoveCustomerAvatar", entity: "customer", id: id,
                payload: CustomerRef(customerId: id.text)
            )
        }
        return .noContent
    }

    // MARK: Push tokens

    struct Tokens: Encodable {
        let tokens: [String]
    }

    /// C21: `{"tokens":[…]}`.
    @Sendable func pushyTokens(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .view, customer: id, sellers: false)
        let customer = try await customers.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        return try Response.json(Tokens(tokens: customer.pushyTokens))
    }

    /// C22: `customer[pushyToken]` → `204`; a token already there is not added twice.
    @Sendable func addPushyToken(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .modify, customer: id, sellers: false)
        let input = try await context.inputIncludingQuery(from: request)
        guard let token = input["customer"]?["pushyToken"]?.trimmedText ?? input["pushyToken"]?.trimmedText else {
            var errors = FormErrors(schema: ["pushyToken"])
            errors.add(FormMessage.notBlank, at: "pushyToken")
            throw errors
        }
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            let added = try await tx.query("""
                UPDATE customers.customers SET pushy_tokens = array_append(pushy_tokens, \(token))
                WHERE store_id = \(storeID) AND id = \(id) AND status <> 'deleted' AND NOT (\(token) = ANY (pushy_tokens))
                RETURNING id
                """)
            if added.isEmpty {
                guard try await customers.exists(on: tx, storeID: storeID, id: id) else { throw APIError.notFound }
                return
            }
            try await change.record(on: tx, store: storeID, event: "CustomerPushyTokenWasAdded", entity: "customer", id: id,
                                    payload: CustomerRef(customerId: id.text))
        }
        return .noContent
    }

    /// C23: `204`, also when the token was not there.
    @Sendable func removePushyToken(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.require(context, .modify, customer: id, sellers: false)
        let token = try context.textParameter("tokenToRemove")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            let removed = try await tx.query("""
                UPDATE customers.customers SET pushy_tokens = array_remove(pushy_tokens, \(token))
                WHERE store_id = \(storeID) AND id = \(id) AND status <> 'deleted' AND \(token) = ANY (pushy_tokens)
                RETURNING id
                """)
            if removed.isEmpty {
                guard try await customers.exists(on: tx, storeID: storeID, id: id) else { throw APIError.notFound }
                return
            }
            try await change.record(on: tx, store: storeID, event: "CustomerPushyTokenWasRemoved", entity: "customer", id: id,
                                    payload: CustomerRef(customerId: id.text))
        }
        return .noContent
    }

    // MARK: History and registrations

    /// C04: the customer's events, newest first (decision customers A2: a JSON array; `flatVariables` is `[]`
    /// when there are no variables, as documented).
    @Sendable func history(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        try await CustomerAccess.admin(context, .view)
        let pool = context.runtime.pool
        guard try await customers.exists(on: pool, storeID: context.store.id, id: id) else { throw APIError.notFound }
        let rows = try await pool.query("""
            SELECT type, payload, recorded_at FROM suite.events
            WHERE store_id = \(context.store.id) AND aggregate_id = \(id.text) ORDER BY id DESC LIMIT 1000
            """)
        let entries = try rows.map { row in
            HistoryEntry(
                customerId: id.text, type: try row.decode(String.self, "type"), payload: JSONValue(try row.decode(JSONB.self, "payload")),
                recordedAt: try row.decode(Date.self, "recorded_at")
            )
        }
        return try Response.json(entries)
    }

    /// C15: `{"YYYY-MM-DD":N,…}` (or `YYYY-MM`, `YYYY`) for every period of the last `lastDays` days (30), oldest first.
    @Sendable func registrations(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .view)
        let query = try context.queryInput(of: request)
        let interval = query["interval"]?.trimmedText ?? "day"
        guard let format = ["day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"][interval] else {
            throw APIError.badRequest("interval must be one of day, month, year")
        }
        let lastDays = try query["lastDays"].map { value -> Int in
            guard let days = value.int, (1...3660).contains(days) else { throw APIError.badRequest("lastDays must be a positive integer") }
            return days
        } ?? 30
        let rows = try await context.runtime.pool.query("""
            WITH periods AS (
                SELECT DISTINCT to_char(day, \(format)) AS period
                FROM generate_series((now() AT TIME ZONE 'UTC')::date - (\(lastDays) - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS day
            ), counted AS (
                SELECT to_char(created_at AT TIME ZONE 'UTC', \(format)) AS period, count(*) AS registered
                FROM customers.customers
                WHERE store_id = \(context.store.id) AND status <> 'deleted'
                  AND created_at >= ((now() AT TIME ZONE 'UTC')::date - (\(lastDays) - 1)) AT TIME ZONE 'UTC'
                GROUP BY 1
            )
            SELECT p.period, coalesce(c.registered, 0) AS registered FROM periods p LEFT JOIN counted c USING (period) ORDER BY p.period
            """)
        var writer = OrderedJSONObject()
        for row in rows { writer.add(try row.decode(String.self, "period"), try row.decode(Int.self, "registered")) }
        return Response.json(bytes: writer.bytes)
    }

    // MARK: Invitations

    /// C41: `{"invitations":[…],"total":N}` with the documented filters; `status` takes the display labels.
    @Sendable func listInvitations(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: InvitationRepository.sortable, defaultSort: "createdAt", defaultDirection: .descending)
        var parts: [SQL] = ["true"]
        for (name, column) in [("referrerId", "i.referrer_id::text"), ("recipientId", "i.recipient_id::text")] {
            if let value = query[name]?.trimmedText { parts.append("\(unsafeRaw: column) = \(value.lowercased())") }
        }
        for (name, column) in [
            ("referrerEmail", "r.email"), ("referrerName", "concat_ws(' ', r.first_name, r.last_name)"), ("recipientEmail", "i.recipient_email"),
            ("recipientPhone", "i.recipient_phone"), ("recipientName", "coalesce(i.recipient_name, concat_ws(' ', t.first_name, t.last_name))"),
        ] {
            if let value = query[name]?.trimmedText {
                parts.append("lower(\(unsafeRaw: column)) LIKE \("%" + CustomerFilters.likeEscaped(value.lowercased()) + "%")")
            }
        }
        if let status = query["status"]?.trimmedText, status != "All" {
            guard let code = ["Invited": "invited", "Registered": "registered", "Made purchase": "made_purchase",
                              "invited": "invited", "registered": "registered", "made_purchase": "made_purchase"][status]
            else { throw APIError.badRequest("status must be one of All, Invited, Registered, Made purchase") }
            parts.append("i.status = \(code)")
        }
        let (items, total) = try await invitations.list(
            on: context.runtime.pool, storeID: context.store.id, where: SQL.joined(parts, separator: " AND "), page: page
        )
        return try Response.json(ListEnvelope("invitations", items: items.map(InvitationView.init), total: total))
    }
}

/// One entry of the customer history (customers §1.12).
struct HistoryEntry: Encodable {
    let customerId: String
    let type: String
    let payload: JSONValue
    let recordedAt: Date

    enum CodingKeys: String, CodingKey {
        case customerId, type, createdAt, variables, flatVariables, pointsBalance
    }

    struct Variable: Encodable {
        let key: String
        let value: JSONValue?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            if let value, value != .null { try container.encode(value, forKey: .value) }
        }

        enum CodingKeys: String, CodingKey { case key, value }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(type, forKey: .type)
        try container.encode(Timestamps.rfc3339(recordedAt), forKey: .createdAt)
        let fields = payload.object.filter { $0.key != "customerId" }.sorted { $0.key < $1.key }
        try container.encode(fields.map { Variable(key: $0.key, value: $0.value) }, forKey: .variables)
        let flat = fields.filter { $0.value != .null }
        if flat.isEmpty {
            try container.encode([String](), forKey: .flatVariables)
        } else {
            try container.encode(Dictionary(uniqueKeysWithValues: flat.map { ($0.key, $0.value) }), forKey: .flatVariables)
        }
        if let balance = payload.object["availableBalance"] { try container.encode(balance, forKey: .pointsBalance) }
    }
}

/// A JSON object whose keys keep the order they were added in (the suite's encoder sorts keys).
struct OrderedJSONObject {
    private var text = "{"
    private var first = true

    mutating func add(_ key: String, _ value: Int) {
        let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        text += (first ? "" : ",") + "\"\(escaped)\":\(value)"
        first = false
    }

    var bytes: [UInt8] { Array((text + "}").utf8) }
}
