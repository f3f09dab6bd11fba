import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// The `seller[...]` form of SL-02 (register) and SL-04 (edit), extensions §4.1. The e-mail is the seller's
/// log-in, unique among the store's sellers; the password is required on registration only.
struct SellerForm: Sendable {
    static let schema: FormSchema = ["firstName", "lastName", "email", "phone", "posId", "plainPassword", "active", "allowPointTransfer"]
    static let emailTaken = "This email is already taken"
    static let badPhone = "Incorrect phone number format, use +00000000000"

    var firstName = ""
    var lastName = ""
    var email = ""
    var phone: String?
    var posID: UUID?
    var plainPassword: String?
    var active = false
    var allowPointTransfer = false
    var errors = FormErrors(schema: SellerForm.schema)

    init(_ input: FormValue, creating: Bool) throws {
        guard let form = input["seller"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        firstName = form["firstName"]?.trimmedText ?? ""
        lastName = form["lastName"]?.trimmedText ?? ""
        email = form["email"]?.trimmedText?.lowercased() ?? ""
        for (field, value) in [("firstName", firstName), ("lastName", lastName), ("email", email)] where value.isEmpty {
            errors.add(FormMessage.notBlank, at: field)
        }
        if !email.isEmpty, !FormCheck.isEmail(email) { errors.add(FormMessage.invalidEmail, at: "email") }
        phone = form["phone"]?.trimmedText
        if let phone, !Self.isPhone(phone) { errors.add(Self.badPhone, at: "phone") }
        switch FormCheck.uuid(form["posId"]) {
        case .absent: errors.add(FormMessage.notBlank, at: "posId")
        case .invalid: errors.add(FormMessage.invalid, at: "posId")
        case .id(let id): posID = id
        }
        plainPassword = form["plainPassword"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        if creating, plainPassword == nil { errors.add(FormMessage.notBlank, at: "plainPassword") }
        active = FormCheck.checkbox(form["active"])
        allowPointTransfer = FormCheck.checkbox(form["allowPointTransfer"])
    }

    /// Digits with an optional leading `+`.
    static func isPhone(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// Sellers (SL-01…SL-07, SL-09): admins with the `SELLER` resource; a seller reads itself and changes its
/// own password. Log-in credentials are created, changed and disabled through the auth library, in the
/// transaction that changes the seller.
struct SellerController {
    struct Registered: Encodable {
        let sellerId: String
        let password: String
        let email: String
    }

    struct Identifier: Encodable {
        let sellerId: String
    }

    struct Success: Encodable {
        let success = true
    }

    let sellers = SellerRepository()
    let pos = PosRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("seller", use: list)
        routes.post("seller/register", use: create)
        routes.post("seller/password/change", use: changePassword)
        routes.get("seller/{seller}", use: get)
        routes.put("seller/{seller}", use: update)
        routes.post("seller/{seller}/activate", use: activate)
        routes.post("seller/{seller}/deactivate", use: deactivate)
        routes.post("seller/{seller}/delete", use: delete)
        return routes
    }

    /// SL-01: `{"sellers":[…],"total":N}`, filters `firstName`, `lastName`, `phone`, `email` (contains, any case).
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.seller, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: SellerRepository.sortable, defaultSort: "createdAt")
        var parts: [SQL] = ["true"]
        for (name, column) in [("firstName", "s.first_name"), ("lastName", "s.last_name"), ("phone", "s.phone"), ("email", "s.email")] {
            guard let value = query[name]?.trimmedText else { continue }
            parts.append("lower(\(unsafeRaw: column)) LIKE \("%" + CustomerFilters.likeEscaped(value.lowercased()) + "%")")
        }
        let (items, total) = try await sellers.list(
            on: context.runtime.pool, storeID: context.store.id, where: SQL.joined(parts, separator: " AND "), page: page
        )
        return try Response.json(ListEnvelope("sellers", items: items.map(SellerView.init), total: total))
    }

    /// SL-03: admins, or the seller itself.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("seller")
        if let identity = context.identity, identity.kind == .seller {
            guard identity.userID == id else { throw APIError.forbidden() }
        } else {
            try await context.requireAdmin(.seller, .view)
        }
        let seller = try await sellers.find(on: context.runtime.pool, storeID: context.store.id, id: id)
        return try Response.json(SellerView(try seller.orThrow(APIError.notFound)))
    }

    /// SL-02: `{"sellerId","password","email"}` (the password is echoed, as upstream does).
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.seller, .modify)
        let form = try SellerForm(try await context.input(from: request), creating: true)
        let hash: PasswordHash? = if let password = form.plainPassword, form.errors.isEmpty { await PasswordHash(hashing: password) } else { nil }
        let storeID = context.store.id, change = context.change
        let seller = SellerRecord(
            storeID: storeID, id: UUID(), firstName: form.firstName, lastName: form.lastName, email: form.email, phone: form.phone,
            posID: form.posID, active: form.active, deleted: false, allowPointTransfer: form.allowPointTransfer, createdAt: Date()
        )
        try await reportingDuplicates {
            try await context.runtime.pool.transaction { tx in
                try await validate(form, seller: nil, storeID: storeID, on: tx)
                try await sellers.save(on: tx, seller)
                try await SellerCredentials.register(on: tx, storeID: storeID, sellerID: seller.id, email: seller.email, password: hash, active: seller.active)
                try await record(seller.id, event: "SellerWasRegistered", audit: "RegisterSeller", storeID: storeID, change: change, on: tx)
            }
        }
        return try Response.json(Registered(sellerId: seller.id.text, password: form.plainPassword ?? "", email: form.email))
    }

    /// SL-04: `{"sellerId"}`; every field is replaced, the password only when sent.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.seller, .modify)
        let id = try context.uuidParameter("seller")
        let form = try SellerForm(try await context.input(from: request), creating: false)
        let hash: PasswordHash? = if let password = form.plainPassword, form.errors.isEmpty { await PasswordHash(hashing: password) } else { nil }
        let storeID = context.store.id, change = context.change
        try await reportingDuplicates {
            try await context.runtime.pool.transaction { tx in
                var seller = try await sellers.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
                try await validate(form, seller: id, storeID: storeID, on: tx)
                let wasActive = seller.active
                seller.firstName = form.firstName
                seller.lastName = form.lastName
                seller.email = form.email
                seller.phone = form.phone
                seller.posID = form.posID
                seller.active = form.active
                seller.allowPointTransfer = form.allowPointTransfer
                try await sellers.save(on: tx, seller)
                try await SellerCredentials.updateEmail(on: tx, storeID: storeID, sellerID: id, email: form.email)
                if let hash { try await SellerCredentials.setPassword(on: tx, storeID: storeID, sellerID: id, password: hash) }
                if wasActive != form.active { try await setCredentialsActive(form.active, id: id, storeID: storeID, on: tx) }
                try await record(id, event: "SellerWasUpdated", audit: "UpdateSeller", storeID: storeID, change: change, on: tx)
            }
        }
        return try Response.json(Identifier(sellerId: id.text))
    }

    /// SL-05: `200`, empty body.
    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await setActive(true, request, context)
    }

    /// SL-06: `200`, empty body; the seller can no longer log in.
    @Sendable func deactivate(_ request: Request, context: StoreContext) async throws -> Response {
        try await setActive(false, request, context)
    }

    /// SL-07: soft delete, `200` with an empty body: the seller disappears from every endpoint and its log-in is deleted.
    @Sendable func delete(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.seller, .modify)
        let id = try context.uuidParameter("seller")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            var seller = try await sellers.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
            seller.deleted = true
            seller.active = false
            try await sellers.save(on: tx, seller)
            try await SellerCredentials.delete(on: tx, storeID: storeID, sellerID: id)
            try await record(id, event: "SellerWasDeleted", audit: "DeleteSeller", storeID: storeID, change: change, on: tx)
        }
        context.runtime.credentialCacheInvalidate()
        return Response(status: .ok)
    }

    /// SL-09: the seller changes its own password: `currentPassword`, `plainPassword` (password policy) → `{"success":true}`.
    @Sendable func changePassword(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.seller)
        let id = try identity.userID.orThrow(APIError.forbidden())
        let input = try await context.inputIncludingQuery(from: request)
        let current = input["currentPassword"]?.string ?? "", password = input["plainPassword"]?.string ?? ""
        var errors = FormErrors(schema: ["currentPassword", "plainPassword"])
        let storeID = context.store.id, pool = context.runtime.pool
        if try await !SellerCredentials.verifyPassword(on: pool, storeID: storeID, sellerID: id, password: current) {
            errors.add("This value should be the user's current password.", at: "currentPassword")
        }
        if password.isEmpty { errors.add(FormMessage.notBlank, at: "plainPassword") }
        for problem in password.isEmpty ? [] : PasswordRules.problems(password) { errors.add(problem, at: "plainPassword") }
        guard errors.isEmpty else { throw errors }
        let hash = await PasswordHash(hashing: password)
        let change = context.change
        try await pool.transaction { tx in
            try await SellerCredentials.setPassword(on: tx, storeID: storeID, sellerID: id, password: hash)
            try await record(id, event: "SellerPasswordWasChanged", audit: "ChangePassword", storeID: storeID, change: change, on: tx)
        }
        return try Response.json(Success())
    }

    private func setActive(_ active: Bool, _ request: Request, _ context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.seller, .modify)
        let id = try context.uuidParameter("seller")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            var seller = try await sellers.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
            guard seller.active != active else { return }
            seller.active = active
            try await sellers.save(on: tx, seller)
            try await setCredentialsActive(active, id: id, storeID: storeID, on: tx)
            let event = active ? "SellerWasActivated" : "SellerWasDeactivated"
            try await record(id, event: event, audit: active ? "ActivateSeller" : "DeactivateSeller", storeID: storeID, change: change, on: tx)
        }
        if !active { context.runtime.credentialCacheInvalidate() }
        return Response(status: .ok)
    }

    private func setCredentialsActive(_ active: Bool, id: UUID, storeID: UUID, on tx: some PostgresQueryable) async throws {
        if active {
            try await SellerCredentials.activate(on: tx, storeID: storeID, sellerID: id)
        } else {
            try await SellerCredentials.deactivate(on: tx, storeID: storeID, sellerID: id)
        }
    }

    /// The checks that need the database: a free e-mail and an existing POS.
    private func validate(_ form: SellerForm, seller: UUID?, storeID: UUID, on tx: some PostgresQueryable) async throws {
        var errors = form.errors
        if errors.messages(at: "email").isEmpty,
           try await SellerCredentials.emailIsTaken(on: tx, storeID: storeID, excluding: seller, email: form.email) {
            errors.add(SellerForm.emailTaken, at: "email")
        }
        if let posID = form.posID, try await !pos.exists(on: tx, storeID: storeID, id: posID) {
            errors.add(FormMessage.invalid, at: "posId")
        }
        guard errors.isEmpty else { throw errors }
    }

    private func record(_ id: UUID, event: String, audit: String, storeID: UUID, change: Change, on tx: some PostgresQueryable) async throws {
        let seller = try await sellers.find(on: tx, storeID: storeID, id: id)
        let payload: SellerView? = seller.map(SellerView.init)
        try await change.record(on: tx, store: storeID, event: event, audit: audit, entity: "seller", id: id, payload: payload ?? SellerView.deleted(id))
    }

    /// A concurrent registration with the same e-mail is the same form error.
    private func reportingDuplicates(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch CredentialError.duplicate {
            var errors = FormErrors(schema: SellerForm.schema)
            errors.add(SellerForm.emailTaken, at: "email")
            throw errors
        }
    }
}

extension SellerView {
    /// What a deleted seller's event carries.
    static func deleted(_ id: UUID) -> SellerView {
        SellerView(SellerRecord(
            storeID: UUID(), id: id, firstName: "", lastName: "", email: nil, phone: nil, posID: nil, active: false, deleted: true,
            allowPointTransfer: false, createdAt: Date()
        ))
    }
}

extension ServiceRuntime {
    /// Makes this process forget cached log-in checks at once (other replicas follow the auth notification).
    func credentialCacheInvalidate() {
        credentialCache?.invalidate()
    }
}
