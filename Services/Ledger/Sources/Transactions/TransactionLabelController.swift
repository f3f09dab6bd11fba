import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Transaction labels (L-35…L-40) and the simulation of a registration (L-41).
struct TransactionLabelController {
    struct Changed: Encodable { let transactionId: String }
    struct Simulated: Encodable { let points: Amount }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("admin/transaction/labels", use: replace)
        group.patch("admin/transaction/labels", use: adminAppend)
        group.patch("customer/transaction/labels", use: customerAppend)
        group.put("transaction/{transaction}/label", use: appendByID)
        group.delete("transaction/{transaction}/label", use: remove)
        group.get("transaction/item/labels", use: itemLabels)
        group.post("transaction/simulate", use: simulate)
    }

    /// L-35: replaces the labels (`transaction_labels[labels]`, also the seed's `[label]`).
    @Sendable func replace(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let input = try await context.input(from: request)
        let schema: FormSchema = ["transactionId", "labels"]
        guard let form = input["transaction_labels"], form.map != nil else { throw FormErrors(schema: schema) }
        guard let id = form["transactionId"]?.trimmedText.flatMap(UUID.init(uuidString:)) else {
            var errors = FormErrors(schema: schema)
            errors.add(FormMessage.notBlank, at: "transactionId")
            throw errors
        }
        let labels = TransactionForm.readLabels(form["labels"] ?? form["label"])
        try await change(context, find: { tx in try await TransactionRepository.find(on: tx, storeID: context.store.id, id: id, lock: true) }) { _ in labels }
        return try Response.json(Changed(transactionId: id.text))
    }

    @Sendable func adminAppend(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        return try await append(request, context: context, owner: nil)
    }

    /// L-37: only to the customer's own transactions.
    @Sendable func customerAppend(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await append(request, context: context, owner: try identity.userID.orThrow(APIError.forbidden()))
    }

    private func append(_ request: Request, context: StoreContext, owner: UUID?) async throws -> Response {
        let input = try await context.input(from: request)
        let schema: FormSchema = ["transactionDocumentNumber", "labels"]
        guard let form = input["append"], form.map != nil else { throw FormErrors(schema: schema) }
        guard let number = form["transactionDocumentNumber"]?.trimmedText else {
            var errors = FormErrors(schema: schema)
            errors.add(FormMessage.notBlank, at: "transactionDocumentNumber")
            throw errors
        }
        let labels = TransactionForm.readLabels(form["labels"])
        let id = try await change(context, find: { tx in
            let found = try await TransactionRepository.find(on: tx, storeID: context.store.id, documentNumber: number, lock: true)
            if let owner, found?.customerID != owner { return nil }
            return found
        }) { current in current + labels }
        return try Response.json(Changed(transactionId: id.text))
    }

    /// L-38: appends `{"labels":[{key,value}]}`.
    @Sendable func appendByID(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let id = try context.uuidParameter("transaction")
        let labels = TransactionForm.readLabels(try await context.input(from: request)["labels"])
        try await change(context, find: { tx in try await TransactionRepository.find(on: tx, storeID: context.store.id, id: id, lock: true) }) { $0 + labels }
        return .noContent
    }

    /// L-39: removes each listed key and value.
    @Sendable func remove(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let id = try context.uuidParameter("transaction")
        let labels = Set(TransactionForm.readLabels(try await context.input(from: request)["labels"]))
        try await change(context, find: { tx in try await TransactionRepository.find(on: tx, storeID: context.store.id, id: id, lock: true) }) { current in
            current.filter { !labels.contains($0) }
        }
        return .noContent
    }

    @discardableResult
    private func change(
        _ context: StoreContext, find: @escaping @Sendable (PostgresSession) async throws -> Transaction?,
        _ update: @escaping @Sendable ([Label]) -> [Label]
    ) async throws -> UUID {
        let storeID = context.store.id
        let actor = Actor(context.identity, ip: context.clientAddress)
        return try await context.runtime.pool.transaction { tx in
            let transaction = try await find(tx).orThrow(APIError.notFound)
            let labels = update(transaction.labels)
            try await TransactionRepository.setLabels(on: tx, storeID: storeID, id: transaction.id, labels: labels)
            try await EventLog.append(try NewEvent(
                storeID: storeID, aggregateType: "transaction", aggregateID: transaction.id.text, type: "LabelsWereUpdatedInTransaction",
                payload: ["transactionId": EventValue.string(transaction.id.text), "labels": .array(labels.map { .object(["key": .string($0.key), "value": .string($0.value)]) })],
                actor: actor
            ), on: tx)
            return transaction.id
        }
    }

    /// L-40: every distinct item label of the store's transactions, values grouped by key.
    @Sendable func itemLabels(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .view)
        let rows = try await context.runtime.pool.query("""
            SELECT DISTINCT label ->> 'key' AS key, label ->> 'value' AS value
            FROM ledger.transactions t, jsonb_array_elements(t.items) item, jsonb_array_elements(item -> 'labels') label
            WHERE t.store_id = \(context.store.id)
            ORDER BY 1, 2
            """)
        var labels: [String: [String]] = [:]
        for row in rows { labels[try row.decode(String.self, "key"), default: []].append(try row.decode(String?.self, "value") ?? "") }
        struct Envelope: Encodable { let labels: [String: [String]] }
        return try Response.json(Envelope(labels: labels))
    }

    /// L-41: the points a transaction would earn, without writing anything. A customer found by the
    /// customer data is evaluated with their level and segments; without one, rules that target nobody apply.
    @Sendable func simulate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .view)
        let transaction = try TransactionForm.read(try await context.input(from: request), simulate: true)
        let pool = context.runtime.pool
        let storeID = context.store.id
        let settings = try await LedgerFacing.settings(on: pool, storeID: storeID, currency: context.store.currency)
        let data = transaction.customerData
        let customer = try await CustomerDirectory.match(
            on: pool, storeID: storeID, email: data.email, loyaltyCardNumber: data.loyaltyCardNumber, phone: data.phone,
            order: settings.identificationOrder
        )
        if let customer, !settings.earningStatuses.contains(customer.status) { return try Response.json(Simulated(points: .zero)) }
        let result = try await TransactionService.evaluate(on: pool, storeID: storeID, transaction: transaction, customer: customer, settings: settings)
        return try Response.json(Simulated(points: result.points))
    }
}
