import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Transactions: register, lists and details for admin / seller / customer, assignment (L-26…L-34, L-42).
struct TransactionController {
    struct Registered: Encodable { let transactionId: String }

    static let assignSchema: FormSchema = ["transactionDocumentNumber", "customerId", "customerLoyaltyCardNumber", "customerPhoneNumber"]

    func add(to group: RouterGroup<StoreContext>) {
        group.post("transaction", use: register)
        group.get("transaction", use: list)
        group.get("transaction/{transaction}", use: get)
        group.post("admin/transaction/customer/assign", use: adminAssign)
        group.post("pos/transaction/customer/assign", use: sellerAssign)
        group.post("customer/transaction/customer/assign", use: customerAssign)
        group.get("customer/transaction", use: customerList)
        group.get("customer/transaction/{transaction}", use: customerGet)
        group.get("seller/transaction/customer/{customer}", use: sellerList)
        group.get("seller/transaction/{documentNumber}", use: sellerByDocument)
    }

    // MARK: Register

    @Sendable func register(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let input = try TransactionForm.read(try await context.input(from: request))
        let actor = Actor(context.identity, ip: context.clientAddress)
        do {
            let transaction = try await RuleCache.$current.withValue(RuleCache.of(context.runtime)) {
                try await context.runtime.pool.transaction { tx in
                    try await TransactionService.register(on: tx, store: context.store, transaction: input, actor: actor)
                }
            }
            return try Response.json(Registered(transactionId: transaction.id.text))
        } catch let refusal as TransactionRefusal {
            throw refusal.formErrors(schema: TransactionForm.schema)
        }
    }

    // MARK: Lists and details

    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .view)
        let query = try context.queryInput(of: request)
        var filter = try Self.filter(query)
        filter.customerID = try Self.uuid(query["customerId"])
        for field in ["loyaltyCardNumber", "name", "email", "phone"] {
            if let value = query["customerData_\(field)"]?.trimmedText { filter.customerData.append((field, value)) }
        }
        for label in query["labels"]?.list ?? [] {
            if let key = label["key"]?.trimmedText { filter.labels.append((key, label["value"]?.trimmedText)) }
        }
        return try await respond(query, filter: filter, context: context)
    }

    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .view)
        let id = try context.uuidParameter("transaction")
        let transaction = try await TransactionRepository.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        return try Response.json(TransactionView(transaction: transaction, currency: try await currency(context)))
    }

    @Sendable func customerList(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let query = try context.queryInput(of: request)
        var filter = try Self.filter(query)
        filter.customerID = try identity.userID.orThrow(APIError.forbidden())
        return try await respond(query, filter: filter, context: context)
    }

    @Sendable func customerGet(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let id = try context.uuidParameter("transaction")
        let transaction = try await TransactionRepository.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        guard transaction.customerID == identity.userID else { throw APIError.notFound }
        return try Response.json(TransactionView(transaction: transaction, currency: try await currency(context)))
    }

    @Sendable func sellerList(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        let query = try context.queryInput(of: request)
        var filter = try Self.filter(query)
        filter.customerID = try context.uuidParameter("customer")
        return try await respond(query, filter: filter, context: context, seller: true)
    }

    @Sendable func sellerByDocument(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        let query = try context.queryInput(of: request)
        var filter = TransactionFilter()
        filter.documentNumber = try context.parameters.require("documentNumber")
        return try await respond(query, filter: filter, context: context, seller: true)
    }

    private func respond(_ query: FormValue, filter: TransactionFilter, context: StoreContext, seller: Bool = false) async throws -> Response {
        let page = try Pagination(query, sortable: TransactionRepository.sortable, defaultSort: "purchaseDate", defaultDirection: query["sort"]?.trimmedText == nil ? .descending : .ascending)
        let (items, total) = try await TransactionRepository.list(on: context.runtime.pool, storeID: context.store.id, filter: filter, page: page)
        let currency = try await currency(context)
        return try Response.json(ListEnvelope("transactions", items: items.map { TransactionView(transaction: $0, currency: currency, seller: seller) }, total: total))
    }

    static func filter(_ query: FormValue) throws -> TransactionFilter {
        var filter = TransactionFilter()
        filter.documentType = query["documentType"]?.trimmedText
        filter.documentNumber = query["documentNumber"]?.trimmedText
        filter.posID = try uuid(query["posId"])
        filter.purchaseDateFrom = try date(query["purchaseDateFrom"], "purchaseDateFrom")
        filter.purchaseDateTo = try date(query["purchaseDateTo"], "purchaseDateTo")
        filter.grossValueFrom = try amount(query["grossValueFrom"], "grossValueFrom")
        filter.grossValueTo = try amount(query["grossValueTo"], "grossValueTo")
        return filter
    }

    private static func uuid(_ value: FormValue?) throws -> UUID? {
        guard let text = value?.trimmedText else { return nil }
        return try UUID(uuidString: text).orThrow(APIError.badRequest("\(text) is not a valid UUID"))
    }

    private static func date(_ value: FormValue?, _ name: String) throws -> Date? {
        guard let text = value?.trimmedText else { return nil }
        return try Timestamp.parse(text).orThrow(APIError.badRequest("\(name) is not a valid date"))
    }

    private static func amount(_ value: FormValue?, _ name: String) throws -> Amount? {
        guard let text = value?.trimmedText else { return nil }
        return try Amount(exactly: text).orThrow(APIError.badRequest("\(name) is not a valid number"))
    }

    private func currency(_ context: StoreContext) async throws -> String {
        try await LedgerFacing.settings(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency).currency
    }

    // MARK: Assignment

    @Sendable func adminAssign(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        return try await assign(try await context.input(from: request), customerID: nil, context: context)
    }

    @Sendable func sellerAssign(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try await assign(try await context.input(from: request), customerID: nil, context: context)
    }

    @Sendable func customerAssign(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await assign(try await context.input(from: request), customerID: try identity.userID.orThrow(APIError.forbidden()), context: context)
    }

    /// `assign[transactionDocumentNumber]` and one customer identifier (id, loyalty card, phone; e-mail in imports).
    private func assign(_ input: FormValue, customerID fixed: UUID?, context: StoreContext) async throws -> Response {
        guard let form = input["assign"], form.map != nil else { throw FormErrors(schema: Self.assignSchema) }
        var errors = FormErrors(schema: Self.assignSchema)
        let number = form["transactionDocumentNumber"]?.trimmedText
        if number == nil { errors.add(FormMessage.notBlank, at: "transactionDocumentNumber") }
        let reference = AssignReference(
            customerID: fixed?.text ?? form["customerId"]?.trimmedText, loyaltyCardNumber: fixed == nil ? form["customerLoyaltyCardNumber"]?.trimmedText : nil,
            phone: fixed == nil ? form["customerPhoneNumber"]?.trimmedText : nil, email: nil
        )
        if reference.isEmpty { errors.add(FormMessage.notBlank, at: "customerId") }
        guard errors.isEmpty, let number else { throw errors }
        let actor = Actor(context.identity, ip: context.clientAddress)
        do {
            let id = try await context.runtime.pool.transaction { tx in
                try await Self.assign(on: tx, store: context.store, documentNumber: number, reference: reference, actor: actor)
            }
            return try Response.json(Registered(transactionId: id.text))
        } catch let refusal as TransactionRefusal {
            throw refusal.formErrors(schema: Self.assignSchema, assignment: true)
        }
    }

    struct AssignReference: Sendable {
        var customerID: String?
        var loyaltyCardNumber: String?
        var phone: String?
        var email: String?
        var isEmpty: Bool { customerID == nil && loyaltyCardNumber == nil && phone == nil && email == nil }
    }

    /// Finds the transaction and the customer, refuses a second assignment, assigns and applies points.
    static func assign(on tx: PostgresSession, store: Store, documentNumber: String, reference: AssignReference, actor: Actor?) async throws -> UUID {
        let transaction = try await TransactionRepository.find(on: tx, storeID: store.id, documentNumber: documentNumber, lock: true)
            .orThrow(TransactionRefusal.notFound)
        guard transaction.customerID == nil else { throw TransactionRefusal.alreadyAssigned }
        var customer: LedgerCustomer?
        if let text = reference.customerID {
            customer = try await UUID(uuidString: text).asyncFlatMap { try await CustomerDirectory.find(on: tx, storeID: store.id, id: $0) }
        }
        if customer == nil, let card = reference.loyaltyCardNumber {
            customer = try await CustomersLibrary.customer(on: tx, storeID: store.id, loyaltyCardNumber: card).map(LedgerCustomer.init)
        }
        if customer == nil, let phone = reference.phone {
            customer = try await CustomersLibrary.customer(on: tx, storeID: store.id, phone: phone).map(LedgerCustomer.init)
        }
        if customer == nil, let email = reference.email {
            customer = try await CustomersLibrary.customer(on: tx, storeID: store.id, email: email).map(LedgerCustomer.init)
        }
        guard let customer else { throw TransactionRefusal.customerNotFound }
        let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
        _ = try await TransactionService.assign(on: tx, store: store, transaction: transaction, customer: customer, settings: settings, actor: actor)
        return transaction.id
    }
}
