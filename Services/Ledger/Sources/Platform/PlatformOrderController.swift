import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// X-07 `POST /api/{storeCode}/platform/orders`: a shop platform reports an order; it is registered as a
/// sale (document number = order id) and earns points like any transaction. Idempotent per order id: the
/// same order again answers the first result and writes nothing (decision ledger X-07).
struct PlatformOrderController {
    static let schema: FormSchema = ["id", "customer", "createdAt", "posId", "items"]

    struct Result: Encodable {
        let orderId: String
        let transactionId: String
        let customerId: String?
        let pointsEarned: Amount
        let duplicate: Bool
    }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("platform/orders", use: create)
    }

    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let input = try await context.input(from: request)
        let order = input["order"] ?? input
        var errors = FormErrors(schema: Self.schema)
        let orderID = order["id"]?.trimmedText
        if orderID == nil { errors.add(FormMessage.notBlank, at: "id") }
        let items = TransactionForm.readItems(order["items"], errors: &errors)
        var purchaseDate = Date()
        if let text = order["createdAt"]?.trimmedText {
            if let date = Timestamp.parse(text) { purchaseDate = date } else { errors.add("This value is not a valid datetime.", at: "createdAt") }
        }
        var posID: UUID?
        if let text = order["posId"]?.trimmedText {
            posID = UUID(uuidString: text)
            if posID == nil { errors.add(FormMessage.invalid, at: "posId") }
        }
        let customer = order["customer"]
        guard errors.isEmpty, let orderID else { throw errors }
        let gross = items.reduce(Amount.zero) { $0 + $1.grossValue }
        let transaction = Transaction(
            id: UUID(), documentNumber: orderID, documentType: "sell", purchaseDate: purchaseDate, purchasePlace: "platform",
            revisedDocument: nil, revisedTransactionID: nil, posID: posID, customerID: nil, assignedAt: nil, grossValue: gross,
            grossWithoutDelivery: gross, customerData: TransactionForm.readCustomerData(customer), items: items, labels: [],
            pointsEarned: .zero, externalOrderID: orderID
        )
        let actor = Actor(context.identity, ip: context.clientAddress)
        let store = context.store
        let result = try await context.runtime.pool.transaction { tx -> Result in
            // One order at a time per id: a concurrent duplicate waits here, then finds the first.
            _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended(\(store.id.text + "|order|" + orderID), 0))")
            if let existing = try await TransactionRepository.find(on: tx, storeID: store.id, externalOrderID: orderID) {
                return Result(orderId: orderID, transactionId: existing.id.text, customerId: existing.customerID?.text, pointsEarned: existing.pointsEarned, duplicate: true)
            }
            var registered: Transaction
            do {
                registered = try await TransactionService.register(on: tx, store: store, transaction: transaction, actor: actor)
            } catch let refusal as TransactionRefusal {
                throw refusal.formErrors(schema: TransactionForm.schema)
            }
            if registered.customerID == nil, let reference = try await Self.customer(customer, on: tx, storeID: store.id) {
                let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
                registered = try await TransactionService.assign(on: tx, store: store, transaction: registered, customer: reference, settings: settings, actor: actor)
            }
            return Result(orderId: orderID, transactionId: registered.id.text, customerId: registered.customerID?.text, pointsEarned: registered.pointsEarned, duplicate: false)
        }
        return try Response.json(result)
    }

    /// The customer by id or by the platform's external id (customer data matching happened already).
    static func customer(_ value: FormValue?, on db: some PostgresQueryable, storeID: UUID) async throws -> LedgerCustomer? {
        if let id = value?["id"]?.trimmedText.flatMap(UUID.init(uuidString:)),
           let found = try await CustomerDirectory.find(on: db, storeID: storeID, id: id) { return found }
        if let external = value?["externalId"]?.trimmedText {
            return try await CustomersLibrary.customer(on: db, storeID: storeID, externalID: external).map(LedgerCustomer.init)
        }
        return nil
    }
}
