import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Points transfers: admin add / spend / block / p2p / cancel / activate / expire and lists (L-14…L-23),
/// customer list and p2p (L-01, L-02).
struct PointsController {
    struct Created: Encodable { let pointsTransferId: String }

    func add(to group: RouterGroup<StoreContext>) {
        group.get("points/transfer", use: list)
        group.post("points/transfer/add", use: addPoints)
        group.post("points/transfer/spend", use: spend)
        group.post("points/transfer/block", use: block)
        group.post("admin/p2p-points-transfer", use: adminP2P)
        group.post("points/transfer/{transfer}/cancel", use: cancel)
        group.post("points/transfer/{transfer}/activate", use: activate)
        group.post("points/transfer/{transfer}/expire", use: expire)
        group.get("customer/points/transfer", use: customerList)
        group.post("customer/points/p2p-transfer", use: customerP2P)
    }

    // MARK: Lists

    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pointTransfer, .view)
        let query = try context.queryInput(of: request)
        var filter = try Self.filter(query)
        filter.customerID = query["customerId"]?.trimmedText.flatMap(UUID.init(uuidString:))
        if query["customerId"]?.trimmedText != nil, filter.customerID == nil { return try Self.empty() }
        filter.email = query["customerEmail"]?.trimmedText
        filter.phone = query["customerPhone"]?.trimmedText
        filter.firstName = query["customerFirstName"]?.trimmedText
        filter.lastName = query["customerLastName"]?.trimmedText
        return try await respond(query, filter: filter, context: context)
    }

    @Sendable func customerList(_ request: Request, context: StoreContext) async throws -> Response {
        let customer = try context.require(.customer)
        let query = try context.queryInput(of: request)
        var filter = try Self.filter(query)
        filter.customerID = try customer.userID.orThrow(APIError.forbidden())
        return try await respond(query, filter: filter, context: context)
    }

    private func respond(_ query: FormValue, filter: TransferFilter, context: StoreContext) async throws -> Response {
        let page = try Pagination(query, sortable: TransferRepository.sortable, defaultSort: "createdAt", defaultDirection: query["sort"]?.trimmedText == nil ? .descending : .ascending)
        let (items, total) = try await TransferRepository.list(on: context.runtime.pool, store: context.store, filter: filter, page: page)
        return try Response.json(ListEnvelope("transfers", items: items, total: total))
    }

    /// `state` or `state[]` (one or several), `type`.
    static func filter(_ query: FormValue) throws -> TransferFilter {
        var filter = TransferFilter()
        if let states = query["state"] {
            filter.states = (states.list ?? [states]).compactMap(\.trimmedText)
        }
        filter.type = query["type"]?.trimmedText
        return filter
    }

    static func empty() throws -> Response {
        try Response.json(ListEnvelope<TransferView>("transfers", items: [], total: 0))
    }

    // MARK: Manual changes

    @Sendable func addPoints(_ request: Request, context: StoreContext) async throws -> Response {
        try await manual(request, context: context) { tx, form, actor, settings in
            try await PointsLedger.credit(
                on: tx, storeID: context.store.id, customerID: form.customerID, points: form.points,
                origin: CreditOrigin(issuer: "admin", comment: form.comment), policy: settings, actor: actor
            ).transferID
        }
    }

    @Sendable func spend(_ request: Request, context: StoreContext) async throws -> Response {
        try await manual(request, context: context) { tx, form, actor, _ in
            try await PointsLedger.debit(
                on: tx, storeID: context.store.id, customerID: form.customerID, points: form.points,
                origin: DebitOrigin(issuer: "admin", comment: form.comment), actor: actor
            ).transferID
        }
    }

    @Sendable func block(_ request: Request, context: StoreContext) async throws -> Response {
        try await manual(request, context: context) { tx, form, actor, _ in
            try await PointsLedger.debit(
                on: tx, storeID: context.store.id, customerID: form.customerID, points: form.points,
                origin: DebitOrigin(state: "blocked", issuer: "admin", comment: form.comment), actor: actor
            ).transferID
        }
    }

    /// add / spend / block: the form, the customer of this store, one transaction.
    private func manual(
        _ request: Request, context: StoreContext,
        _ change: @escaping @Sendable (PostgresSession, TransferForm.Manual, Actor, LedgerSettings) async throws -> UUID
    ) async throws -> Response {
        try await context.requireAdmin(.pointTransfer, .modify)
        let form = try TransferForm.manual(try await context.input(from: request))
        let actor = Actor(context.identity, ip: context.clientAddress)
        let id = try await refusing {
            try await context.runtime.pool.transaction { tx in
                guard try await CustomerDirectory.find(on: tx, storeID: context.store.id, id: form.customerID) != nil else {
                    var errors = FormErrors(schema: TransferForm.manualSchema)
                    errors.add(TransferForm.customerNotFound, at: "customer")
                    throw errors
                }
                let settings = try await LedgerFacing.settings(on: tx, storeID: context.store.id, currency: context.store.currency)
                return try await change(tx, form, actor, settings)
            }
        }
        return try Response.json(Created(pointsTransferId: id.text))
    }

    // MARK: P2P

    @Sendable func adminP2P(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pointTransfer, .modify)
        let input = try await context.input(from: request)
        guard let form = input["transfer"], form.map != nil else { throw FormErrors(schema: TransferForm.p2pSchema) }
        var errors = FormErrors(schema: TransferForm.p2pSchema)
        let sender = form["sender"]?.trimmedText
        let receiver = form["receiver"]?.trimmedText
        if sender == nil { errors.add(FormMessage.notBlank, at: "sender") }
        if receiver == nil { errors.add(FormMessage.notBlank, at: "receiver") }
        let points = TransferForm.points(form["points"], errors: &errors)
        guard errors.isEmpty, let sender, let receiver, let points else { throw errors }
        return try await p2p(sender: sender, receiver: receiver, points: points, schema: TransferForm.p2pSchema, context: context)
    }

    @Sendable func customerP2P(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let sender = try identity.userID.orThrow(APIError.forbidden())
        let input = try await context.input(from: request)
        guard let form = input["transfer"], form.map != nil else { throw FormErrors(schema: TransferForm.customerP2PSchema) }
        var errors = FormErrors(schema: TransferForm.customerP2PSchema)
        let receiver = form["receiver"]?.trimmedText
        if receiver == nil { errors.add(FormMessage.notBlank, at: "receiver") }
        let points = TransferForm.points(form["points"], errors: &errors)
        guard errors.isEmpty, let receiver, let points else { throw errors }
        return try await p2p(sender: sender.text, receiver: receiver, points: points, schema: TransferForm.customerP2PSchema, context: context)
    }

    private func p2p(sender: String, receiver: String, points: Amount, schema: FormSchema, context: StoreContext) async throws -> Response {
        let actor = Actor(context.identity, ip: context.clientAddress)
        let storeID = context.store.id
        let id = try await refusing {
            try await context.runtime.pool.transaction { tx in
                let from = try await CustomerDirectory.find(on: tx, storeID: storeID, reference: sender)
                let to = try await CustomerDirectory.find(on: tx, storeID: storeID, reference: receiver)
                var errors = FormErrors(schema: schema)
                if from == nil { errors.add(TransferForm.customerNotFound, at: "sender") }
                if to == nil { errors.add(TransferForm.customerNotFound, at: "receiver") }
                guard errors.isEmpty, let from, let to else { throw errors }
                let settings = try await LedgerFacing.settings(on: tx, storeID: storeID, currency: context.store.currency)
                return try await PointsLedger.transfer(
                    on: tx, storeID: storeID, sender: from.id, receiver: to.id, points: points, policy: settings, actor: actor
                )
            }
        }
        return try Response.json(Created(pointsTransferId: id.text))
    }

    // MARK: State changes

    @Sendable func cancel(_ request: Request, context: StoreContext) async throws -> Response {
        try await change(context) { tx, id, actor in try await PointsLedger.cancel(on: tx, storeID: context.store.id, transferID: id, actor: actor) }
        return Response(status: .ok)
    }

    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await change(context) { tx, id, actor in try await PointsLedger.activate(on: tx, storeID: context.store.id, transferID: id, actor: actor) }
        return .noContent
    }

    @Sendable func expire(_ request: Request, context: StoreContext) async throws -> Response {
        try await change(context) { tx, id, actor in try await PointsLedger.expire(on: tx, storeID: context.store.id, transferID: id, actor: actor) }
        return .noContent
    }

    private func change(
        _ context: StoreContext, _ body: @escaping @Sendable (PostgresSession, UUID, Actor) async throws -> Void
    ) async throws {
        try await context.requireAdmin(.pointTransfer, .modify)
        let id = try context.uuidParameter("transfer")
        let actor = Actor(context.identity, ip: context.clientAddress)
        try await refusing { try await context.runtime.pool.transaction { tx in try await body(tx, id, actor) } }
    }
}

/// Runs `body`, rendering the ledger's refusals as their API errors.
func refusing<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let refusal as PointsRefusal {
        throw refusal.apiError
    }
}
