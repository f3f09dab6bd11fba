import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// The `pos[...]` form of PS-02 and PS-05 (extensions §3.1). `location[country]` is an ISO 3166 alpha-2 code
/// (decision extensions X-9); on update an omitted `description` keeps its value.
struct PosForm: Sendable {
    static let locationFields = ["street", "address1", "address2", "postal", "city", "province", "country", "lat", "long"]
    static let schema: FormSchema = ["name", "identifier", "description", .compound("location", locationFields.map(FormField.field))]
    static let required = ["street", "address1", "postal", "city", "province", "country"]

    var name = ""
    var identifier = ""
    var description: Edit<String> = .keep
    var location = PosLocation()
    var errors = FormErrors(schema: PosForm.schema)

    init(_ input: FormValue) throws {
        guard let form = input["pos"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        name = form["name"]?.trimmedText ?? ""
        if name.isEmpty { errors.add(FormMessage.notBlank, at: "name") }
        identifier = form["identifier"]?.trimmedText ?? ""
        if identifier.isEmpty { errors.add(FormMessage.notBlank, at: "identifier") }
        if let value = form["description"] { description = .set(value.trimmedText) }
        let place = form["location"]
        func text(_ field: String) -> String? { place?[field]?.trimmedText }
        for field in Self.required where text(field) == nil { errors.add(FormMessage.notBlank, at: "location", field) }
        if let country = text("country"), !(country.count == 2 && country.allSatisfy { $0.isASCII && $0.isLetter }) {
            errors.add("This value is not a valid country.", at: "location", "country")
        }
        location = PosLocation(
            street: text("street"), address1: text("address1"), address2: text("address2"), postal: text("postal"),
            city: text("city"), province: text("province"), country: text("country")?.uppercased(), lat: text("lat"), long: text("long")
        )
    }
}

/// `{"posId":"…"}`.
struct PosIdentifier: Encodable {
    let posId: String
}

/// Points of sale (PS-01…PS-07): admins with the `POS` resource; sellers read.
struct PosController {
    let repository = PosRepository()
    let settings = SettingsRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("pos", use: list)
        routes.post("pos", use: create)
        routes.get("pos/identifier/{identifier}", use: getByIdentifier)
        routes.get("pos/{pos}", use: get)
        routes.put("pos/{pos}", use: update)
        routes.get("seller/pos", use: list)
        routes.get("seller/pos/{pos}", use: get)
        return routes
    }

    /// PS-01, PS-06: `{"pos":[…],"total":N}`.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await Self.requireReader(context)
        let page = try Pagination(try context.queryInput(of: request), sortable: PosRepository.sortable, defaultSort: "createdAt")
        let pool = context.runtime.pool
        let (items, total) = try await repository.list(on: pool, storeID: context.store.id, page: page)
        let currency = try await currency(context)
        return try Response.json(ListEnvelope("pos", items: items.map { PosView($0, currency: currency) }, total: total))
    }

    /// PS-03, PS-07.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await Self.requireReader(context)
        let pos = try await repository.find(on: context.runtime.pool, storeID: context.store.id, id: try context.uuidParameter("pos"))
        return try Response.json(PosView(try pos.orThrow(APIError.notFound), currency: try await currency(context)))
    }

    /// PS-04: the POS with this identifier (the oldest, identifiers are not unique upstream).
    @Sendable func getByIdentifier(_ request: Request, context: StoreContext) async throws -> Response {
        try await Self.requireReader(context)
        let pos = try await repository.find(on: context.runtime.pool, storeID: context.store.id, identifier: try context.textParameter("identifier"))
        return try Response.json(PosView(try pos.orThrow(APIError.notFound), currency: try await currency(context)))
    }

    /// PS-02: `{"posId":…}`.
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pos, .modify)
        let form = try PosForm(try await context.input(from: request))
        guard form.errors.isEmpty else { throw form.errors }
        let pos = PosRecord(
            storeID: context.store.id, id: UUID(), name: form.name, identifier: form.identifier, description: form.description.newValue,
            location: form.location, transactionsAmount: .zero, transactionsCount: 0, createdAt: Date()
        )
        let change = context.change
        try await context.runtime.pool.transaction { tx in
            try await repository.save(on: tx, pos)
            try await record(pos, event: "PosWasCreated", audit: "CreatePos", change: change, on: tx)
        }
        return try Response.json(PosIdentifier(posId: pos.id.text))
    }

    /// PS-05: `{"posId":…}`; the form replaces the POS's data (an omitted description stays).
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pos, .modify)
        let id = try context.uuidParameter("pos")
        let form = try PosForm(try await context.input(from: request))
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            var pos = try await repository.find(on: tx, storeID: storeID, id: id).orThrow(APIError.notFound)
            guard form.errors.isEmpty else { throw form.errors }
            pos.name = form.name
            pos.identifier = form.identifier
            pos.description = form.description.applied(to: pos.description)
            pos.location = form.location
            try await repository.save(on: tx, pos)
            try await record(pos, event: "PosWasUpdated", audit: "UpdatePos", change: change, on: tx)
        }
        return try Response.json(PosIdentifier(posId: id.text))
    }

    private func record(_ pos: PosRecord, event: String, audit: String, change: Change, on tx: some PostgresQueryable) async throws {
        try await change.record(on: tx, store: pos.storeID, event: event, audit: audit, entity: "pos", id: pos.id, payload: PosView(pos, currency: ""))
    }

    private func currency(_ context: StoreContext) async throws -> String {
        try await settings.load(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency).currency
    }

    /// Admins with `POS` view, or sellers of the store.
    static func requireReader(_ context: StoreContext) async throws {
        if context.identity?.kind == .seller { return }
        try await context.requireAdmin(.pos, .view)
    }
}
