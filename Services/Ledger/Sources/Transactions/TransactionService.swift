import Customers
import Foundation
import Postgres
import ServiceKit

/// Why a transaction change was refused, as form errors on the documented fields.
enum TransactionRefusal: Error {
    case duplicateDocument
    case returnsDisabled
    case returnOfAnotherCustomer
    case alreadyAssigned
    case notFound
    case customerNotFound

    func formErrors(schema: FormSchema, assignment: Bool = false) -> FormErrors {
        var errors = FormErrors(schema: schema)
        switch self {
        case .duplicateDocument: errors.add(FormMessage.alreadyUsed, at: "transactionData", "documentNumber")
        case .returnsDisabled: errors.add("Returns are not enabled", at: "transactionData", "documentType")
        case .returnOfAnotherCustomer: errors.add("transaction.document_return_incorrect_owner", at: assignment ? "transactionDocumentNumber" : "revisedDocument")
        case .alreadyAssigned: errors.add("Customer is already assigned to this transaction", at: "transactionDocumentNumber")
        case .notFound: errors.add("Transaction does not exist", at: "transactionDocumentNumber")
        case .customerNotFound: errors.add("Customer does not exist", at: assignment ? "customerId" : "customerData")
        }
        return errors
    }
}

/// Registration of sales and returns, customer assignment, earning and reversal of points.
/// Everything of one registration happens in the caller's single database transaction.
enum TransactionService {
    /// Registers a transaction: stores it, matches a customer by the customer data (store priority), and
    /// when one matches, assigns it and awards (sale) or reverses (return) points. A matched sale is stored
    /// already assigned with its points, and its events are written together: few round trips on the hot path.
    static func register(
        on tx: PostgresSession, store: Store, transaction input: Transaction, actor: Actor?
    ) async throws -> Transaction {
        try await LedgerEvents.batched(on: tx) {
            try await registerBatched(on: tx, store: store, transaction: input, actor: actor)
        }
    }

    private static func registerBatched(
        on tx: PostgresSession, store: Store, transaction input: Transaction, actor: Actor?
    ) async throws -> Transaction {
        let data = input.customerData
        let (settings, matched) = try await LedgerFacing.settingsAndCustomer(
            on: tx, storeID: store.id, currency: store.currency, email: data.email, loyaltyCardNumber: data.loyaltyCardNumber, phone: data.phone
        )
        let customer = matched.map(LedgerCustomer.init)
        var transaction = input
        if transaction.isReturn && !settings.returnsEnabled { throw TransactionRefusal.returnsDisabled }
        transaction.grossWithoutDelivery = transaction.items.filter { !settings.deliverySKUs.contains($0.sku.code) }
            .reduce(Amount.zero) { $0 + $1.grossValue }
        var sale: Transaction?
        if transaction.isReturn, let revised = transaction.revisedDocument {
            sale = try await TransactionRepository.find(on: tx, storeID: store.id, documentNumber: revised)
            transaction.revisedTransactionID = sale?.id
            if let sale, let owner = sale.customerID, let customer, owner != customer.id { throw TransactionRefusal.returnOfAnotherCustomer }
        }
        var earning: TransactionEvaluator.Result?
        var purchaseRules: [EarningRule]?
        if let customer {
            transaction.customerID = customer.id
            transaction.assignedAt = Date()
            if !transaction.isReturn, settings.earningStatuses.contains(customer.status) {
                let evaluated = try await evaluate(
                    on: tx, storeID: store.id, transaction: transaction, customer: customer, settings: settings, alsoReading: [.event, .referral]
                )
                earning = evaluated.result
                purchaseRules = evaluated.others
                transaction.pointsEarned = evaluated.result.points
            }
        }
        let priorTotals: TransactionRepository.Totals?
        do {
            priorTotals = try await TransactionRepository.insert(on: tx, storeID: store.id, transaction, deliverySKUs: settings.deliverySKUs)
        } catch is TransactionRepository.DuplicateDocument {
            throw TransactionRefusal.duplicateDocument
        }
        try await LedgerEvents.append(on: tx, storeID: store.id, customerID: customer?.id ?? transaction.id, type: "TransactionWasRegistered", payload: [
            "transactionId": .string(transaction.id.text), "posId": .optional(transaction.posID?.text), "grossValue": .amount(transaction.grossValue),
            "documentType": .string(transaction.documentType), "documentNumber": .string(transaction.documentNumber),
        ], actor: actor, aggregate: "transaction", aggregateID: transaction.id.text)
        guard let customer else { return transaction }
        if transaction.isReturn {
            if let sale { try await revoke(on: tx, storeID: store.id, returned: transaction, sale: sale, customerID: customer.id, actor: actor) }
        } else if let earning, earning.points.isPositive {
            try await PointsLedger.credit(
                on: tx, storeID: store.id, customerID: customer.id, points: earning.points,
                origin: CreditOrigin(issuer: "system", comment: earning.comment, transactionID: transaction.id), policy: settings, actor: actor
            )
        }
        if let earning { try await instantRewardEvents(on: tx, storeID: store.id, transaction: transaction, customerID: customer.id, earning, actor: actor) }
        let totals = (priorTotals ?? .init()).adding(transaction)
        try await purchaseEvents(on: tx, store: store, transaction: transaction, customer: customer, totals: totals, rules: purchaseRules, actor: actor)
        try await assignedEvent(on: tx, storeID: store.id, transaction: transaction, customerID: customer.id, totals: totals, actor: actor)
        return transaction
    }

    /// Assigns a customer to an unassigned transaction and applies its points.
    static func assign(
        on tx: PostgresSession, store: Store, transaction input: Transaction, customer: LedgerCustomer, settings: LedgerSettings,
        sale knownSale: Transaction? = nil, actor: Actor?
    ) async throws -> Transaction {
        var transaction = input
        transaction.customerID = customer.id
        transaction.assignedAt = Date()
        try await TransactionRepository.assign(on: tx, storeID: store.id, id: transaction.id, customerID: customer.id)
        if transaction.isReturn {
            var sale = knownSale
            if sale == nil, let revised = transaction.revisedDocument {
                sale = try await TransactionRepository.find(on: tx, storeID: store.id, documentNumber: revised)
            }
            if let sale {
                if let owner = sale.customerID, owner != customer.id { throw TransactionRefusal.returnOfAnotherCustomer }
                try await revoke(on: tx, storeID: store.id, returned: transaction, sale: sale, customerID: customer.id, actor: actor)
            }
        } else {
            transaction.pointsEarned = try await award(on: tx, store: store, transaction: transaction, customer: customer, settings: settings, actor: actor)
        }
        let totals = try await TransactionRepository.totals(on: tx, storeID: store.id, customerID: customer.id)
        try await purchaseEvents(on: tx, store: store, transaction: transaction, customer: customer, totals: totals, rules: nil, actor: actor)
        try await assignedEvent(on: tx, storeID: store.id, transaction: transaction, customerID: customer.id, totals: totals, actor: actor)
        return transaction
    }

    /// What a sale fires besides its own points: the event rule of the customer's first transaction
    /// (extensions §6.3) and the referral rules `first_purchase` / `every_purchase` (§6.4). `rules` are the
    /// store's active event and referral rules when already read (nil: read them here).
    private static func purchaseEvents(
        on tx: PostgresSession, store: Store, transaction: Transaction, customer: LedgerCustomer, totals: TransactionRepository.Totals,
        rules known: [EarningRule]?, actor: Actor?
    ) async throws {
        guard !transaction.isReturn else { return }
        let rules: [EarningRule]
        if let known { rules = known } else { rules = try await EarningRuleRepository.active(on: tx, storeID: store.id, types: [.event, .referral]) }
        let first = totals.count == 1
        if first, rules.contains(where: { $0.type == .event && $0.eventName == EventAwards.firstPurchaseEvent }) {
            _ = try await EventAwards.systemEvent(on: tx, store: store, customer: customer, eventName: EventAwards.firstPurchaseEvent, actor: actor)
        }
        let trigger = first ? "first_purchase" : "every_purchase"
        if rules.contains(where: { $0.type == .referral && $0.eventName == trigger }) {
            try await EventAwards.referral(on: tx, store: store, recipient: customer, trigger: trigger, actor: actor)
        }
    }

    private static func assignedEvent(
        on tx: PostgresSession, storeID: UUID, transaction: Transaction, customerID: UUID, totals: TransactionRepository.Totals, actor: Actor?
    ) async throws {
        try await LedgerEvents.append(on: tx, storeID: storeID, customerID: customerID, type: "CustomerWasAssignedToTransaction", payload: [
            "customerId": .string(customerID.text), "transactionId": .string(transaction.id.text),
            "documentType": .string(transaction.documentType), "grossValue": .amount(transaction.grossValue),
            "grossValueWithoutDeliveryCosts": .amount(transaction.grossWithoutDelivery), "amountExcludedForLevel": .amount(.zero),
            "purchaseDate": .string(Timestamp.iso(transaction.purchaseDate)), "posId": .optional(transaction.posID?.text),
            "items": .array(transaction.items.map { item in
                .object([
                    "sku": .string(item.sku.code), "maker": .optional(item.maker), "category": .optional(item.category),
                    "grossValue": .amount(item.grossValue),
                    "labels": .array(item.labels.map { .object(["key": .string($0.key), "value": .string($0.value)]) }),
                ])
            }),
            "totals": .object(totals.payload),
        ], actor: actor, aggregate: "transaction", aggregateID: transaction.id.text)
    }

    /// One `InstantRewardWasEarned` per matching instant-reward rule of a sale: the campaigns service reacts by
    /// giving the rule's reward campaign to the customer for this sale, when the campaign allows it.
    private static func instantRewardEvents(
        on tx: PostgresSession, storeID: UUID, transaction: Transaction, customerID: UUID, _ result: TransactionEvaluator.Result, actor: Actor?
    ) async throws {
        for reward in result.instantRewards {
            try await LedgerEvents.append(on: tx, storeID: storeID, customerID: customerID, type: LedgerLibrary.instantRewardEventType, payload: [
                "customerId": .string(customerID.text), "transactionId": .string(transaction.id.text),
                "campaignId": .string(reward.campaignID.text), "earningRuleId": .string(reward.ruleID.text),
                "grossValue": .amount(transaction.grossValue),
            ], actor: actor, aggregate: "transaction", aggregateID: transaction.id.text)
        }
    }

    /// `SaleWasReturned` after a return against a customer's sale, with the value returned so far: the campaigns
    /// service recomputes the sale's percentage-discount instant rewards on what is left (extensions §6.6).
    private static func returnedEvent(
        on tx: PostgresSession, storeID: UUID, returned: Transaction, sale: Transaction, customerID: UUID, actor: Actor?
    ) async throws {
        let returnedValue = try await tx.query("""
            SELECT coalesce(sum(gross_value), 0) AS returned FROM ledger.transactions
            WHERE store_id = \(storeID) AND document_type = 'return'
              AND (revised_transaction_id = \(sale.id) OR revised_document = \(sale.documentNumber))
            """).scalar(Amount.self)
        try await LedgerEvents.append(on: tx, storeID: storeID, customerID: customerID, type: LedgerLibrary.saleReturnedEventType, payload: [
            "customerId": .string(customerID.text), "saleTransactionId": .string(sale.id.text),
            "returnTransactionId": .string(returned.id.text), "saleValue": .amount(sale.grossValue), "returnedValue": .amount(returnedValue),
        ], actor: actor, aggregate: "transaction", aggregateID: sale.id.text)
    }

    /// Points of a sale by the store's transactional rules (extensions §6.2), credited as one transfer.
    static func award(
        on tx: PostgresSession, store: Store, transaction: Transaction, customer: LedgerCustomer, settings: LedgerSettings, actor: Actor?
    ) async throws -> Amount {
        guard settings.earningStatuses.contains(customer.status) else { return .zero }
        let result = try await evaluate(on: tx, storeID: store.id, transaction: transaction, customer: customer, settings: settings)
        try await instantRewardEvents(on: tx, storeID: store.id, transaction: transaction, customerID: customer.id, result, actor: actor)
        guard result.points.isPositive else { return .zero }
        try await PointsLedger.credit(
            on: tx, storeID: store.id, customerID: customer.id, points: result.points,
            origin: CreditOrigin(issuer: "system", comment: result.comment, transactionID: transaction.id), policy: settings, actor: actor
        )
        try await TransactionRepository.setPointsEarned(on: tx, storeID: store.id, id: transaction.id, points: result.points)
        return result.points
    }

    static func evaluate(
        on db: some PostgresQueryable, storeID: UUID, transaction: Transaction, customer: LedgerCustomer?, settings: LedgerSettings
    ) async throws -> TransactionEvaluator.Result {
        try await evaluate(on: db, storeID: storeID, transaction: transaction, customer: customer, settings: settings, alsoReading: []).result
    }

    /// The points of a transaction by the store's transactional rules, and the active rules of `others`
    /// types read in the same query (the event and referral rules of the purchase events that follow).
    static func evaluate(
        on db: some PostgresQueryable, storeID: UUID, transaction: Transaction, customer: LedgerCustomer?, settings: LedgerSettings,
        alsoReading others: [RuleType]
    ) async throws -> (result: TransactionEvaluator.Result, others: [EarningRule]) {
        let types = RuleType.allCases.filter { $0.transactionPriority != nil } + others
        let all = try await EarningRuleRepository.active(on: db, storeID: storeID, types: types)
        let rules = all.filter { $0.type.transactionPriority != nil }
        let rest = all.filter { others.contains($0.type) }
        return (try await evaluateRules(rules, on: db, storeID: storeID, transaction: transaction, customer: customer, settings: settings), rest)
    }

    private static func evaluateRules(
        _ rules: [EarningRule], on db: some PostgresQueryable, storeID: UUID, transaction: Transaction, customer: LedgerCustomer?,
        settings: LedgerSettings
    ) async throws -> TransactionEvaluator.Result {
        guard !rules.isEmpty else { return .init(points: .zero, ruleNames: [], ruleIDs: []) }
        var profile = CustomerProfile(id: customer?.id ?? UUID(), levelID: customer?.levelID)
        if let customer, rules.contains(where: { !$0.segments.isEmpty }) {
            profile = try await CustomerDirectory.profile(on: db, storeID: storeID, customer: customer)
        }
        return TransactionEvaluator.evaluate(
            items: transaction.evaluatedItems, purchaseDate: transaction.purchaseDate, posID: transaction.posID, customer: profile,
            rules: rules, deliverySKUs: settings.deliverySKUs
        )
    }

    /// A return against a customer's sale: reverses the sale's points and tells the campaigns (`SaleWasReturned`).
    static func revoke(
        on tx: PostgresSession, storeID: UUID, returned: Transaction, sale: Transaction, customerID: UUID, actor: Actor?
    ) async throws {
        try await revokePoints(on: tx, storeID: storeID, returned: returned, sale: sale, customerID: customerID, actor: actor)
        try await returnedEvent(on: tx, storeID: storeID, returned: returned, sale: sale, customerID: customerID, actor: actor)
    }

    /// Reverses the points of a sale in proportion to the returned value (extensions §6.6): the
    /// reversal is `earned × returned / sold`, rounded to hundredths, and all reversals of one sale together
    /// never exceed what it earned (decision ledger A-23). It takes what is available, down to zero.
    private static func revokePoints(
        on tx: PostgresSession, storeID: UUID, returned: Transaction, sale: Transaction, customerID: UUID, actor: Actor?
    ) async throws {
        guard sale.grossValue.isPositive else { return }
        let row = try await tx.query("""
            SELECT coalesce(sum(value) FILTER (WHERE type = 'adding' AND state = 'active' AND transaction_id = \(sale.id)), 0) AS earned,
                   coalesce(sum(value) FILTER (WHERE type = 'spending' AND state = 'active' AND revised_transaction_id = \(sale.id)), 0) AS revoked
            FROM ledger.transfers WHERE store_id = \(storeID) AND customer_id = \(customerID)
              AND (transaction_id = \(sale.id) OR revised_transaction_id = \(sale.id))
            """).firstRow
        let earned: Amount = try row?.decode(Amount.self, "earned") ?? .zero
        let revoked: Amount = try row?.decode(Amount.self, "revoked") ?? .zero
        let proportional = earned.multiplied(by: returned.grossValue.hundredths, dividedBy: sale.grossValue.hundredths)
        let toRevoke = min(proportional, earned - revoked)
        guard toRevoke.isPositive else { return }
        let available = try await tx.query("""
            SELECT available FROM ledger.accounts WHERE store_id = \(storeID) AND customer_id = \(customerID) FOR UPDATE
            """).firstRow.map { try $0.decode(Amount.self, "available") } ?? .zero
        let taken = min(available, toRevoke)
        try await tx.execute("""
            UPDATE ledger.accounts SET available = available - \(taken), spent = spent + \(taken)
            WHERE store_id = \(storeID) AND customer_id = \(customerID)
            """)
        let transferID = UUID()
        _ = try await PointsLedger.useCredits(
            on: tx, storeID: storeID, customerID: customerID, points: taken, debitID: transferID, value: toRevoke,
            origin: DebitOrigin(issuer: "system", comment: "Return of \(sale.documentNumber)", transactionID: returned.id, revisedTransactionID: sale.id)
        )
        try await LedgerEvents.pointsSpent(
            on: tx, storeID: storeID, customerID: customerID, transferID: transferID, points: taken, available: available - taken, p2p: false,
            actor: actor
        )
    }
}
