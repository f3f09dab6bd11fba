import Foundation
import Postgres
import ServiceKit

/// A points transfer as the lists show it (ledger §1.1).
struct TransferView: Encodable, Sendable {
    struct TransactionRef: Encodable, Sendable { let transactionId: String }
    struct StoreRef: Encodable, Sendable {
        let id: String
        let code: String
        let currency: String
    }

    let pointsTransferId: String
    let accountId: String
    let customerId: String
    let customerFirstName: String?
    let customerLastName: String?
    let customerEmail: String?
    let customerPhone: String?
    let customerLoyaltyCardNumber: String?
    let createdAt: String
    let expiresAt: String?
    let lockedUntil: String?
    let expiredAt: String?
    let value: Amount
    let state: String
    let type: String
    let comment: String?
    let issuer: String
    let transactionId: TransactionRef?
    let transactionDocumentNumber: String?
    let invitationId: String?
    let senderId: String?
    let receiverId: String?
    let store: StoreRef

    init(row: PostgresRow, store: Store) throws {
        pointsTransferId = (try row.decode(UUID.self, "id")).text
        accountId = (try row.decode(UUID.self, "account_id")).text
        let customer: UUID = try row["customer_id"]
        customerId = customer.text
        customerFirstName = try row["first_name"]
        customerLastName = try row["last_name"]
        customerEmail = try row["email"]
        customerPhone = try row["phone"]
        customerLoyaltyCardNumber = try row["loyalty_card_number"]
        createdAt = Timestamp.iso(try row["created_at"])
        expiresAt = (try row.decode(Date?.self, "expires_at")).map(Timestamp.iso)
        lockedUntil = (try row.decode(Date?.self, "locked_until")).map(Timestamp.iso)
        expiredAt = (try row.decode(Date?.self, "expired_at")).map(Timestamp.iso)
        value = try row["value"]
        state = try row["state"]
        type = try row["type"]
        comment = try row["comment"]
        issuer = try row["issuer"]
        transactionId = (try row.decode(UUID?.self, "transaction_id")).map { TransactionRef(transactionId: $0.text) }
        transactionDocumentNumber = try row["document_number"]
        invitationId = (try row.decode(UUID?.self, "invitation_id"))?.text
        let counterpart = (try row.decode(UUID?.self, "counterpart_customer_id"))?.text
        senderId = type == "p2p_adding" ? counterpart : (type == "p2p_spending" ? customer.text : nil)
        receiverId = type == "p2p_spending" ? counterpart : (type == "p2p_adding" ? customer.text : nil)
        self.store = StoreRef(id: store.id.text, code: store.code, currency: store.currency)
    }
}

/// Filters of the transfer lists (L-01, L-14).
struct TransferFilter: Sendable {
    var customerID: UUID?
    var states: [String] = []
    var type: String?
    var email: String?
    var phone: String?
    var loyaltyCardNumber: String?
    var firstName: String?
    var lastName: String?
}

enum TransferRepository {
    static let sortable: [String: String] = [
        "createdAt": "t.created_at", "value": "t.value", "state": "t.state", "type": "t.type", "expiresAt": "t.expires_at",
        "customerId": "t.customer_id", "customerEmail": "c.email", "customerFirstName": "c.first_name", "customerLastName": "c.last_name", "customerPhone": "c.phone",
        "pointsTransferId": "t.id", "issuer": "t.issuer",
    ]

    static func list(
        on db: some PostgresQueryable, store: Store, filter: TransferFilter, page: Pagination
    ) async throws -> (items: [TransferView], total: Int) {
        var conditions: [SQL] = ["t.store_id = \(store.id)"]
        if let id = filter.customerID { conditions.append("t.customer_id = \(id)") }
        if !filter.states.isEmpty { conditions.append("t.state = ANY(string_to_array(\(filter.states.joined(separator: ",")), ','))") }
        if let type = filter.type { conditions.append("t.type = \(type)") }
        if let email = filter.email { conditions.append("c.email ILIKE '%' || \(email) || '%'") }
        if let phone = filter.phone { conditions.append("c.phone LIKE '%' || \(phone) || '%'") }
        if let name = filter.firstName { conditions.append("c.first_name ILIKE '%' || \(name) || '%'") }
        if let name = filter.lastName { conditions.append("c.last_name ILIKE '%' || \(name) || '%'") }
        if let card = filter.loyaltyCardNumber { conditions.append("c.loyalty_card_number = \(card)") }
        let condition = SQL.joined(conditions, separator: " AND ")
        let rows = try await db.query("""
            SELECT t.id, a.id AS account_id, t.customer_id, c.first_name, c.last_name, c.email, c.phone, c.loyalty_card_number, t.created_at, t.expires_at,
                   t.locked_until, t.expired_at, t.value, t.state, t.type, t.comment, t.issuer, t.transaction_id,
                   tr.document_number, t.invitation_id, t.counterpart_customer_id, count(*) OVER () AS total
            FROM ledger.transfers t
            JOIN ledger.accounts a ON a.store_id = t.store_id AND a.customer_id = t.customer_id
            LEFT JOIN customers.customers c ON c.store_id = t.store_id AND c.id = t.customer_id
            LEFT JOIN ledger.transactions tr ON tr.store_id = t.store_id AND tr.id = t.transaction_id
            WHERE \(condition)
            \(page.orderAndLimit(tieBreaker: "t.id"))
            """)
        let total = try rows.firstRow.map { try $0.decode(Int.self, "total") }
        let items = try rows.map { try TransferView(row: $0, store: store) }
        if let total { return (items, total) }
        let count = try await db.query("""
            SELECT count(*) FROM ledger.transfers t
            LEFT JOIN customers.customers c ON c.store_id = t.store_id AND c.id = t.customer_id
            WHERE \(condition)
            """).scalar(Int.self)
        return (items, count)
    }

    /// Whether the transfer belongs to the store (tenant check before a change).
    static func exists(on db: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await db.query("SELECT 1 FROM ledger.transfers WHERE store_id = \(storeID) AND id = \(id)").firstRow != nil
    }
}
