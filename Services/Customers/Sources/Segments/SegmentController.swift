import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// Segments (SG-01…SG-09): admins with the `SEGMENT` resource (`SEGMENT_EXPORT` for the CSV).
struct SegmentController {
    struct Identifier: Encodable {
        let segmentId: String
    }

    let segments = SegmentRepository()
    let membership = SegmentMembership()
    let pos = PosRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("segment", use: list)
        routes.post("segment", use: create)
        routes.get("segment/{segment}", use: get)
        routes.put("segment/{segment}", use: update)
        routes.post("segment/{segment}/activate", use: activate)
        routes.post("segment/{segment}/deactivate", use: deactivate)
        routes.delete("segment/{segment}", use: delete)
        routes.get("segment/{segment}/customers", use: customers)
        routes.get("csv/segment/{segment}", use: csv)
        return routes
    }

    /// SG-01: `{"segments":[…],"total":N}`, newest first; `active` (truthy) keeps active segments only.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: SegmentRepository.sortable, defaultSort: "createdAt", defaultDirection: .descending)
        let (items, total) = try await segments.list(
            on: context.runtime.pool, storeID: context.store.id, activeOnly: FormCheck.checkbox(query["active"]), page: page
        )
        return try Response.json(ListEnvelope("segments", items: items.map { SegmentView($0) }, total: total))
    }

    /// SG-03; `customer_list` criteria carry `segmentedCustomers`.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .view)
        let pool = context.runtime.pool
        let segment = try await segments.find(on: pool, storeID: context.store.id, id: try context.uuidParameter("segment")).orThrow(APIError.notFound)
        var listed: [UUID: [JSONValue]] = [:]
        for criterion in segment.parts.flatMap(\.criteria) where criterion.type == "customer_list" {
            let ids = (criterion.fields["customers"]?.array ?? []).compactMap(\.text)
            listed[criterion.id] = try await pool.query("""
                SELECT id, email, phone FROM customers.customers WHERE store_id = \(context.store.id) AND id::text = ANY (\(ids)::text[]) ORDER BY id
                """).map { row in
                .object([
                    "customerId": .string(try row.decode(UUID.self, "id").text),
                    "email": try row.decode(String?.self, "email").map(JSONValue.string) ?? .null,
                    "phone": try row.decode(String?.self, "phone").map(JSONValue.string) ?? .null,
                ])
            }
        }
        return try Response.json(SegmentView(segment, segmentedCustomers: listed))
    }

    /// SG-02: `{"segmentId":…}`; an active segment gets its members at once.
    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .modify)
        let form = try SegmentForm(try await context.input(from: request))
        let id = UUID()
        try await save(form, id: id, creating: true, context: context)
        return try Response.json(Identifier(segmentId: id.text))
    }

    /// SG-04: `{"segmentId":…}`; name, description and every part are replaced.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .modify)
        let id = try context.uuidParameter("segment")
        let form = try SegmentForm(try await context.input(from: request))
        try await save(form, id: id, creating: false, context: context)
        return try Response.json(Identifier(segmentId: id.text))
    }

    /// SG-05: `204`; the members are computed at once.
    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await setActive(true, request, context)
    }

    /// SG-06: `204`; the members are removed at once.
    @Sendable func deactivate(_ request: Request, context: StoreContext) async throws -> Response {
        try await setActive(false, request, context)
    }

    /// SG-07: `204`.
    @Sendable func delete(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .modify)
        let id = try context.uuidParameter("segment")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            var segment = try await segments.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
            segment.active = false
            try await membership.recalculate(segment, change: change, on: tx)
            _ = try await segments.delete(on: tx, storeID: storeID, id: id)
            try await change.record(on: tx, store: storeID, event: "SegmentWasDeleted", audit: "DeleteSegment", entity: "segment", id: id,
                                    payload: SegmentView(segment))
        }
        return .noContent
    }

    /// SG-08: the members, as customer list items with `segmentId` and `segmentName`; filters as the customer list.
    @Sendable func customers(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .view)
        let id = try context.uuidParameter("segment")
        let pool = context.runtime.pool
        let segment = try await segments.find(on: pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        let query = try context.queryInput(of: request)
        let filters = try CustomerFilters(query, labels: false)
        let page = try Pagination(query, sortable: CustomerFilters.sortable, defaultSort: "createdAt", defaultDirection: .descending)
        let member: SQL = """
            EXISTS (SELECT 1 FROM customers.segment_members m WHERE m.store_id = c.store_id AND m.segment_id = \(id) AND m.customer_id = c.id)
            """
        let (items, total) = try await CustomerRepository().list(on: pool, storeID: context.store.id, filters: filters.condition + " AND " + member, page: page)
        let currency = try await SettingsRepository().load(on: pool, storeID: context.store.id, currency: context.store.currency).currency
        let purchases = try await CampaignPurchaseRepository.purchases(on: pool, storeID: context.store.id, customerIDs: items.map(\.id))
        let views = items.map { customer in
            SegmentMemberView(segment: segment, customer: CustomerView(
                customer, shape: .list, currency: currency, locale: nil, campaignPurchases: purchases[customer.id] ?? []
            ))
        }
        return try Response.json(ListEnvelope("customers", items: views, total: total))
    }

    /// SG-09: the members as CSV.
    @Sendable func csv(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segmentExport, .view)
        let id = try context.uuidParameter("segment")
        let segment = try await segments.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        let member: SQL = """
            EXISTS (SELECT 1 FROM customers.segment_members m WHERE m.store_id = c.store_id AND m.segment_id = \(id) AND m.customer_id = c.id)
            """
        return try await CustomerCSV.response(name: segment.name, storeID: context.store.id, where: member, on: context.runtime.pool)
    }

    private func setActive(_ active: Bool, _ request: Request, _ context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.segment, .modify)
        let id = try context.uuidParameter("segment")
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            var segment = try await segments.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
            segment.active = active
            try await segments.save(on: tx, segment)
            try await membership.recalculate(segment, change: change, on: tx)
            try await change.record(
                on: tx, store: storeID, event: active ? "SegmentWasActivated" : "SegmentWasDeactivated",
                audit: active ? "ActivateSegment" : "DeactivateSegment", entity: "segment", id: id, payload: SegmentView(segment)
            )
        }
        return .noContent
    }

    /// Checks the form against the store (unique name, existing POS, `customer_list` entries), saves the
    /// segment and recomputes its members, in one transaction.
    private func save(_ form: SegmentForm, id: UUID, creating: Bool, context: StoreContext) async throws {
        let storeID = context.store.id, change = context.change
        do {
            try await context.runtime.pool.transaction { tx in
                let current = creating ? nil : try await segments.find(on: tx, storeID: storeID, id: id, lock: true).orThrow(APIError.notFound)
                var errors = form.errors
                if !form.name.isEmpty, try await segments.nameIsTaken(on: tx, storeID: storeID, name: form.name, excluding: id) {
                    errors.add(SegmentForm.nameTaken, at: "name")
                }
                for posID in form.posIDs where try await !pos.exists(on: tx, storeID: storeID, id: posID) {
                    errors.add("POS \(posID.text) does not exist.", at: "parts")
                }
                var parts = form.parts
                for (criterion, path, entry) in form.customerEntries {
                    let byID = try await UUID(uuidString: entry).asyncMap { try await CustomersLibrary.customer(on: tx, storeID: storeID, id: $0) } ?? nil
                    var found = byID
                    if found == nil { found = try await CustomersLibrary.customer(on: tx, storeID: storeID, identifier: entry) }
                    guard let customer = found else {
                        errors.add("Customer \(entry) not found.", at: path)
                        continue
                    }
                    Self.append(customer.id, to: criterion, in: &parts)
                }
                guard errors.isEmpty else { throw errors }
                let segment = SegmentRecord(
                    storeID: storeID, id: id, name: form.name, description: form.description, active: form.active, parts: parts,
                    customersCount: current?.customersCount ?? 0, createdAt: current?.createdAt ?? Date()
                )
                try await segments.save(on: tx, segment)
                try await membership.recalculate(segment, change: change, on: tx)
                try await change.record(
                    on: tx, store: storeID, event: creating ? "SegmentWasCreated" : "SegmentWasUpdated",
                    audit: creating ? "CreateSegment" : "UpdateSegment", entity: "segment", id: id, payload: SegmentView(segment)
                )
            }
        } catch SegmentRepository.Duplicate.name {
            var errors = FormErrors(schema: SegmentForm.schema)
            errors.add(SegmentForm.nameTaken, at: "name")
            throw errors
        }
    }

    /// Adds a resolved customer to a `customer_list` criterion.
    private static func append(_ customer: UUID, to criterion: UUID, in parts: inout [SegmentPart]) {
        for p in parts.indices {
            for c in parts[p].criteria.indices where parts[p].criteria[c].id == criterion {
                var ids = parts[p].criteria[c].fields["customers"]?.array ?? []
                if !ids.contains(.string(customer.text)) { ids.append(.string(customer.text)) }
                parts[p].criteria[c].fields["customers"] = .array(ids)
            }
        }
    }
}

/// A member in SG-08: the customer list item with the segment's id and name.
struct SegmentMemberView: Encodable {
    let segment: SegmentRecord
    let customer: CustomerView

    enum Keys: String, CodingKey { case segmentId, segmentName }

    func encode(to encoder: any Encoder) throws {
        try customer.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(segment.id.text, forKey: .segmentId)
        try container.encode(segment.name, forKey: .segmentName)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
