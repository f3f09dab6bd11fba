import Foundation
import Postgres
import ServiceKit

/// Filters of the transaction lists (L-29, L-31, L-33).
struct TransactionFilter: Sendable {
    var customerID: UUID?
    var documentType: String?
    var documentNumber: String?
    var posID: UUID?
    var purchaseDateFrom: Date?
    var purchaseDateTo: Date?
    var grossValueFrom: Amount?
    var grossValueTo: Amount?
    var customerData: [(field: String, value: String)] = []
    var labels: [(key: String, value: String?)] = []
}

/// SQL over `ledger.transactions`; every method takes the store first.
enum TransactionRepository {
    static let columns = """
        id, document_number, document_type, purchase_date, purchase_place, revised_document, revised_transaction_id, pos_id,
        customer_id, assigned_at, gross_value, gross_without_delivery, customer_data, items, labels, points_earned, external_order_id
        """

    static let sortable: [String: String] = [
        "purchaseDate": "purchase_date", "documentNumber": "document_number", "documentType": "document_type",
        "grossValue": "gross_value", "customerId": "customer_id", "createdAt": "created_at", "pointsEarned": "points_earned",
        "transactionId": "id",
    ]

    struct DuplicateDocument: Error {}

    static func transaction(_ row: PostgresRow) throws -> Transaction {
        Transaction(
            id: try row["id"], documentNumber: try row["document_number"], documentType: try row["document_type"],
            purchaseDate: try row["purchase_date"], purchasePlace: try row["purchase_place"], revisedDocument: try row["revised_document"],
            revisedTransactionID: try row["revised_transaction_id"], posID: try row["pos_id"], customerID: try row["customer_id"],
            assignedAt: try row["assigned_at"], grossValue: try row["gross_value"], grossWithoutDelivery: try row["gross_without_delivery"],
            customerData: try (try row.decode(JSONB.self, "customer_data")).decode(as: CustomerData.self),
            items: try (try row.decode(JSONB.self, "items")).decode(as: [TransactionItem].self),
            labels: try (try row.decode(JSONB.self, "labels")).decode(as: [Label].self),
            pointsEarned: try row["points_earned"], externalOrderID: try row["external_order_id"]
        )
    }

    /// Inserts the transaction; when it is assigned, returns the customer's totals before it (same round trip).
    @discardableResult
    static func insert(on db: some PostgresQueryable, storeID: UUID, _ t: Transaction, deliverySKUs: Set<String>) async throws -> Totals? {
        do {
            let rows = try await db.query("""
                WITH inserted AS (
                INSERT INTO ledger.transactions (store_id, id, document_number, document_type, purchase_date, purchase_place,
                    revised_document, revised_transaction_id, pos_id, customer_id, assigned_at, gross_value, gross_without_delivery,
                    delivery_skus, customer_data, items, labels, points_earned, external_order_id)
                VALUES (\(storeID), \(t.id), \(t.documentNumber), \(t.documentType), \(t.purchaseDate), \(t.purchasePlace),
                    \(t.revisedDocument), \(t.revisedTransactionID), \(t.posID), \(t.customerID), \(t.assignedAt), \(t.grossValue),
                    \(t.grossWithoutDelivery), \(SQLArray.texts(deliverySKUs.sorted()))::text[],
                    \(t.customerData.json.jsonb)::jsonb, \(EventValue.array(t.items.map(\.json)).jsonb)::jsonb,
                    \(Label.json(t.labels).jsonb)::jsonb, \(t.pointsEarned), \(t.externalOrderID))
                RETURNING id
                )
                SELECT (SELECT count(*) FROM inserted) AS inserted, \(unsafeRaw: Totals.columns)
                FROM \(Totals.source(storeID: storeID, customerID: t.customerID))
                """)
            guard t.customerID != nil, let row = rows.firstRow else { return nil }
            return try Totals(row: row)
        } catch let error as PostgresError where error.isUniqueViolation {
            throw DuplicateDocument()
        }
    }

    static func find(on db: some PostgresQueryable, storeID: UUID, id: UUID, lock: Bool = false) async throws -> Transaction? {
        try await db.query("""
            SELECT \(unsafeRaw: columns) FROM ledger.transactions WHERE store_id = \(storeID) AND id = \(id) \(unsafeRaw: lock ? "FOR UPDATE" : "")
            """).firstRow.map(transaction)
    }

    static func find(on db: some PostgresQueryable, storeID: UUID, documentNumber: String, lock: Bool = false) async throws -> Transaction? {
        try await db.query("""
            SELECT \(unsafeRaw: columns) FROM ledger.transactions WHERE store_id = \(storeID) AND document_number = \(documentNumber)
            \(unsafeRaw: lock ? "FOR UPDATE" : "")
            """).firstRow.map(transaction)
    }

    static func find(on db: some PostgresQueryable, storeID: UUID, externalOrderID: String) async throws -> Transaction? {
        try await db.query("""
            SELECT \(unsafeRaw: columns) FROM ledger.transactions WHERE store_id = \(storeID) AND external_order_id = \(externalOrderID)
            """).firstRow.map(transaction)
    }

    static func assign(on db: some PostgresQueryable, storeID: UUID, id: UUID, customerID: UUID) async throws {
        try await db.execute("""
            UPDATE ledger.transactions SET customer_id = \(customerID), assigned_at = now() WHERE store_id = \(storeID) AND id = \(id)
            """)
    }

    static func setPointsEarned(on db: some PostgresQueryable, storeID: UUID, id: UUID, points: Amount) async throws {
        try await db.execute("UPDATE ledger.transactions SET points_earned = \(points) WHERE store_id = \(storeID) AND id = \(id)")
    }

    static func setLabels(on db: some PostgresQueryable, storeID: UUID, id: UUID, labels: [Label]) async throws {
        try await db.execute("UPDATE ledger.transactions SET labels = \(try JSONB(encoding: labels))::jsonb WHERE store_id = \(storeID) AND id = \(id)")
    }

    static func list(
        on db: some PostgresQueryable, storeID: UUID, filter: TransactionFilter, page: Pagination
    ) async throws -> (items: [Transaction], total: Int) {
        var conditions: [SQL] = ["store_id = \(storeID)"]
        if let id = filter.customerID { conditions.append("customer_id = \(id)") }
        if let type = filter.documentType { conditions.append("document_type = \(type)") }
        if let number = filter.documentNumber { conditions.append("document_number = \(number)") }
        if let pos = filter.posID { conditions.append("pos_id = \(pos)") }
        if let from = filter.purchaseDateFrom { conditions.append("purchase_date >= \(from)") }
        if let to = filter.purchaseDateTo { conditions.append("purchase_date <= \(to)") }
        if let from = filter.grossValueFrom { conditions.append("gross_value >= \(from)") }
        if let to = filter.grossValueTo { conditions.append("gross_value <= \(to)") }
        for (field, value) in filter.customerData {
            conditions.append("customer_data ->> \(field) ILIKE '%' || \(value) || '%'")
        }
        for label in filter.labels {
            if let value = label.value {
                conditions.append("labels @> jsonb_build_array(jsonb_build_object('key', \(label.key)::text, 'value', \(value)::text))")
            } else {
                conditions.append("labels @> jsonb_build_array(jsonb_build_object('key', \(label.key)::text))")
            }
        }
        let condition = SQL.joined(conditions, separator: " AND ")
        let rows = try await db.query("""
            SELECT \(unsafeRaw: columns), count(*) OVER () AS total FROM ledger.transactions WHERE \(condition)
            \(page.orderAndLimit())
            """)
        let items = try rows.map(transaction)
        if let total = try rows.firstRow.map({ try $0.decode(Int.self, "total") }) { return (items, total) }
        return (items, try await db.query("SELECT count(*) FROM ledger.transactions WHERE \(condition)").scalar(Int.self))
    }

    /// A customer's transaction totals (returns subtract their value).
    struct Totals: Sendable {
        static let columns = """
            coalesce(ct.transactions_count, 0) AS count, coalesce(ct.transactions_amount, 0) AS amount,
            coalesce(ct.amount_without_delivery, 0) AS without, ct.last_purchase_date AS last
            """

        /// One row of a customer's kept totals (`ct`), all zero when they have none yet.
        static func source(storeID: UUID, customerID: UUID?) -> SQL {
            "(SELECT 1) one LEFT JOIN ledger.customer_totals ct ON ct.store_id = \(storeID) AND ct.customer_id = \(customerID)"
        }
        var count = 0
        var amount = Amount.zero
        var withoutDelivery = Amount.zero
        var last: Date?

        init() {}

        init(row: PostgresRow) throws {
            count = try row["count"]
            amount = try row["amount"]
            withoutDelivery = try row["without"]
            last = try row["last"]
        }

        /// The totals once `transaction` counts too.
        func adding(_ transaction: Transaction) -> Totals {
            var totals = self
            let sign: Amount = transaction.isReturn ? -1 : 1
            if !transaction.isReturn { totals.count += 1 }
            totals.amount += transaction.grossValue.multiplied(by: sign)
            totals.withoutDelivery += transaction.grossWithoutDelivery.multiplied(by: sign)
            totals.last = max(last ?? transaction.purchaseDate, transaction.purchaseDate)
            return totals
        }

        var payload: [String: EventValue] {
            [
                "transactionsCount": .int(count), "transactionsAmount": .amount(amount),
                "transactionsAmountWithoutDeliveryCosts": .amount(withoutDelivery), "amountExcludedForLevel": .amount(.zero),
                "lastTransactionDate": .optional(last.map(Timestamp.iso)),
            ]
        }
    }

    /// The customer's totals for `CustomerWasAssignedToTransaction`.
    static func totals(on db: some PostgresQueryable, storeID: UUID, customerID: UUID) async throws -> Totals {
        try await db.query("SELECT \(unsafeRaw: Totals.columns) FROM \(Totals.source(storeID: storeID, customerID: customerID))")
            .firstRow.map(Totals.init(row:)) ?? Totals()
    }
}
