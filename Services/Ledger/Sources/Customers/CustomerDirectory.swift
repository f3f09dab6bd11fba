import Foundation
import Postgres

/// A customer as the ledger needs to know them: who they are and how to reach them.
struct LedgerCustomer: Sendable, Hashable {
    let id: UUID
    let email: String?
    let phone: String?
    let loyaltyCardNumber: String?
    let active: Bool
}

/// Finds customers of a store. The customers service registers every customer's identifiers (e-mail,
/// phone, loyalty card) in the auth library's credential table inside its own transaction, so that table is
/// the one place the ledger can read them from without depending on the customers schema
/// (decision ledger §customers).
enum CustomerDirectory {
    private static let columns = "customer_id, email, phone, loyalty_card_number, active"

    static func find(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> LedgerCustomer? {
        try await database.query("""
            SELECT \(unsafeRaw: columns) FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND customer_id = \(id) AND deleted_at IS NULL
            """).firstRow.map(customer)
    }

    /// By UUID, e-mail (any case) or phone: how p2p transfers name the sender and the receiver.
    static func find(on database: some PostgresQueryable, storeID: UUID, reference: String) async throws -> LedgerCustomer? {
        if let id = UUID(uuidString: reference) {
            return try await find(on: database, storeID: storeID, id: id)
        }
        return try await database.query("""
            SELECT \(unsafeRaw: columns) FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND deleted_at IS NULL
              AND (lower(email) = lower(\(reference)) OR phone = \(reference) OR loyalty_card_number = \(reference))
            ORDER BY (lower(email) = lower(\(reference))) DESC NULLS LAST, (phone = \(reference)) DESC NULLS LAST
            LIMIT 1
            """).firstRow.map(customer)
    }

    /// Matches transaction customer data in the default identification priority: e-mail, then loyalty card
    /// number, then phone (extensions §5.2 `customersIdentificationPriority`).
    static func match(
        on database: some PostgresQueryable, storeID: UUID, email: String?, loyaltyCardNumber: String?, phone: String?
    ) async throws -> LedgerCustomer? {
        guard email != nil || loyaltyCardNumber != nil || phone != nil else { return nil }
        return try await database.query("""
            SELECT \(unsafeRaw: columns) FROM auth.customer_credentials
            WHERE store_id = \(storeID) AND deleted_at IS NULL
              AND (lower(email) = lower(\(email)) OR loyalty_card_number = \(loyaltyCardNumber) OR phone = \(phone))
            ORDER BY (lower(email) = lower(\(email))) IS TRUE DESC, (loyalty_card_number = \(loyaltyCardNumber)) IS TRUE DESC
            LIMIT 1
            """).firstRow.map(customer)
    }

    private static func customer(_ row: PostgresRow) throws -> LedgerCustomer {
        LedgerCustomer(
            id: try row["customer_id"], email: try row["email"], phone: try row["phone"],
            loyaltyCardNumber: try row["loyalty_card_number"], active: try row["active"]
        )
    }
}
