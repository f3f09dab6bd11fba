import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// XML imports (L-21 points transfers, L-24 transactions, L-25 transaction assignments). Each row runs in a
/// transaction of its own, so a failing row never undoes or stops the others; the answer lists every row
/// (ledger §1.3, decision ledger A-17).
struct ImportController {
    struct Item: Encodable {
        struct Object: Encodable { let object: [String: String] }
        let status: String
        let processImportResult: Object?
        let message: String?
        let identifier: String
    }

    struct Result: Encodable {
        var items: [Item] = []
        var totalProcessed = 0
        var totalSuccess = 0
        var totalFailed = 0

        mutating func success(_ identifier: String, _ key: String, _ id: UUID) {
            items.append(Item(status: "success", processImportResult: .init(object: [key: id.text]), message: nil, identifier: identifier))
            totalProcessed += 1
            totalSuccess += 1
        }

        mutating func failure(_ identifier: String, _ message: String) {
            items.append(Item(status: "error", processImportResult: nil, message: message, identifier: identifier))
            totalProcessed += 1
            totalFailed += 1
        }
    }

    /// A row refused with a message.
    struct RowError: Error { let message: String }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("points/transfer/import", use: transfers)
        group.post("admin/transaction/import", use: transactions)
        group.post("admin/transaction/customer/assign/import", use: assignments)
    }

    private func file(_ request: Request, context: StoreContext) async throws -> (name: String, root: XMLNode) {
        let input = try await context.input(from: request)
        guard let file = (input["file"]?["file"] ?? input["file"])?.file else {
            var errors = FormErrors(schema: ["file"])
            errors.add(FormMessage.notBlank, at: "file")
            throw errors
        }
        guard let root = XMLNode.parse(file.data) else {
            var errors = FormErrors(schema: ["file"])
            errors.add("This file is not a valid XML document.", at: "file")
            throw errors
        }
        return (file.filename, root)
    }

    /// L-21: `<transfers><transfer><customerId/><points/><type>adding|spending|block</type><comment/></transfer></transfers>`.
    @Sendable func transfers(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.pointTransfer, .modify)
        let (name, root) = try await file(request, context: context)
        let actor = Actor(context.identity, ip: context.clientAddress)
        var result = Result()
        for row in root.all("transfer") {
            let customerText = row.value("customerId") ?? row.value("customer") ?? ""
            let type = row.value("type") ?? "adding"
            let pointsText = row.value("points") ?? row.value("value") ?? ""
            let identifier = "\(customerText)/(\(type) \(pointsText))"
            do {
                guard let customerID = UUID(uuidString: customerText) else { throw RowError(message: "Convert exception: Value \"\(customerText)\" is not a valid UUID.") }
                guard let points = Amount(exactly: pointsText), points.isPositive else { throw RowError(message: "Convert exception: Value \"\(pointsText)\" is not a valid number of points.") }
                let comment = row.value("comment")
                let store = context.store
                let id = try await context.runtime.pool.transaction { tx -> UUID in
                    guard try await CustomerDirectory.find(on: tx, storeID: store.id, id: customerID) != nil else { throw RowError(message: "Customer does not exist.") }
                    let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
                    switch type {
                    case "adding":
                        return try await PointsLedger.credit(
                            on: tx, storeID: store.id, customerID: customerID, points: points,
                            origin: CreditOrigin(issuer: "admin", comment: comment), policy: settings, actor: actor
                        ).transferID
                    case "spending", "block", "blocked":
                        return try await PointsLedger.debit(
                            on: tx, storeID: store.id, customerID: customerID, points: points,
                            origin: DebitOrigin(state: type == "spending" ? "active" : "blocked", issuer: "admin", comment: comment), actor: actor
                        ).transferID
                    default:
                        throw RowError(message: "Convert exception: Value \"\(type)\" is not a valid transfer type.")
                    }
                }
                result.success(identifier, "pointsTransferId", id)
            } catch {
                result.failure(identifier, message(error, file: name))
            }
        }
        return try Response.json(result)
    }

    /// L-24: the transaction XML of ledger Appendix B §10.
    @Sendable func transactions(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let (name, root) = try await file(request, context: context)
        let actor = Actor(context.identity, ip: context.clientAddress)
        var result = Result()
        for row in root.all("transaction") {
            let identifier = row.value("documentNumber") ?? ""
            do {
                let transaction = try Self.transaction(row)
                let store = context.store
                let registered = try await context.runtime.pool.transaction { tx in
                    try await TransactionService.register(on: tx, store: store, transaction: transaction, actor: actor)
                }
                result.success(identifier, "transactionId", registered.id)
            } catch {
                result.failure(identifier, message(error, file: name))
            }
        }
        return try Response.json(result)
    }

    static func transaction(_ row: XMLNode) throws -> Transaction {
        guard let number = row.value("documentNumber") else { throw RowError(message: "Convert exception: documentNumber should not be blank.") }
        let type = row.value("documentType") ?? "sell"
        guard type == "sell" || type == "return" else { throw RowError(message: "Convert exception: Value \"\(type)\" is not a valid document type.") }
        var date = Date()
        if let text = row.value("purchaseDate") {
            date = try Timestamp.parse(text).orThrow(RowError(message: "Convert exception: Value \"\(text)\" is not a valid date."))
        }
        var posID: UUID?
        if let text = row.value("posId") ?? row.value("posIdentifier") {
            posID = try UUID(uuidString: text).orThrow(RowError(message: "Convert exception: Value \"\(text)\" is not a valid UUID."))
        }
        var items: [TransactionItem] = []
        for item in row["items"]?.all("item") ?? [] {
            guard let code = item["sku"]?.value("code") ?? item.value("sku"), let name = item.value("name"),
                  let gross = item.value("grossValue").flatMap(Amount.init(exactly:)) else {
                throw RowError(message: "Convert exception: an item needs sku code, name and grossValue.")
            }
            let labels = (item["labels"]?.all("label") ?? []).compactMap { label in
                label.value("key").map { Label(key: $0, value: label.value("value") ?? "") }
            }
            items.append(TransactionItem(
                sku: .init(code: code), name: name, quantity: item.value("quantity").flatMap(Amount.init(exactly:)) ?? Amount(1),
                grossValue: gross, category: item.value("category"), maker: item.value("maker"), labels: labels
            ))
        }
        guard !items.isEmpty else { throw RowError(message: "Convert exception: items should not be blank.") }
        let customer = row["customer"]
        let address = customer?["address"].map {
            CustomerData.Address(
                street: $0.value("street"), address1: $0.value("address1"), province: $0.value("province"), city: $0.value("city"),
                postal: $0.value("postal"), country: $0.value("country")
            )
        }
        let data = CustomerData(
            name: customer?.value("name"), email: customer?.value("email"), phone: customer?.value("phone"),
            loyaltyCardNumber: customer?.value("loyaltyCardNumber"), nip: customer?.value("nip"), address: address
        )
        let gross = items.reduce(Amount.zero) { $0 + $1.grossValue }
        return Transaction(
            id: UUID(), documentNumber: number, documentType: type, purchaseDate: date, purchasePlace: row.value("purchasePlace"),
            revisedDocument: row.value("revisedDocument"), revisedTransactionID: nil, posID: posID, customerID: nil, assignedAt: nil,
            grossValue: gross, grossWithoutDelivery: gross, customerData: data, items: items, labels: [], pointsEarned: .zero, externalOrderID: nil
        )
    }

    /// L-25: `<transactions><transaction><documentNumber/>` and one of `customerId`, `customerEmail`,
    /// `customerPhoneNumber`, `customerLoyaltyCardNumber`.
    @Sendable func assignments(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.transaction, .modify)
        let (name, root) = try await file(request, context: context)
        let actor = Actor(context.identity, ip: context.clientAddress)
        var result = Result()
        for row in root.all("transaction") + root.all("match") {
            let identifier = row.value("documentNumber") ?? row.value("transactionDocumentNumber") ?? ""
            do {
                let reference = TransactionController.AssignReference(
                    customerID: row.value("customerId"), loyaltyCardNumber: row.value("customerLoyaltyCardNumber"),
                    phone: row.value("customerPhoneNumber"), email: row.value("customerEmail")
                )
                let given = [reference.customerID, reference.loyaltyCardNumber, reference.phone, reference.email].compactMap { $0 }.count
                guard given == 1 else { throw RowError(message: "Exactly one customer identifier is required.") }
                if let text = reference.customerID, UUID(uuidString: text) == nil {
                    throw RowError(message: "Convert exception: Value \"\(text)\" is not a valid UUID.")
                }
                let store = context.store
                let id = try await context.runtime.pool.transaction { tx in
                    try await TransactionController.assign(on: tx, store: store, documentNumber: identifier, reference: reference, actor: actor)
                }
                result.success(identifier, "transactionId", id)
            } catch {
                result.failure(identifier, message(error, file: name))
            }
        }
        return try Response.json(result)
    }

    private func message(_ error: any Error, file: String) -> String {
        switch error {
        case let error as RowError: return error.message
        case let error as PointsRefusal:
            let text = error == .notEnoughPoints ? "Not enough points" : String(describing: error)
            return "(\(file)) Processing exception: \(text)"
        case let error as TransactionRefusal:
            let text: String
            switch error {
            case .duplicateDocument: text = "Transaction with this document number already exists"
            case .returnsDisabled: text = "Returns are not enabled"
            case .returnOfAnotherCustomer: text = "transaction.document_return_incorrect_owner"
            case .alreadyAssigned: text = "Customer is already assigned to this transaction"
            case .notFound: text = "Transaction does not exist"
            case .customerNotFound: text = "Customer does not exist"
            }
            return "(\(file)) Processing exception: \(text)"
        default: return "(\(file)) Processing exception: \(error)"
        }
    }
}
