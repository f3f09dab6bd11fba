import Customers
import Foundation
import Postgres

/// A customer as the ledger needs to know them.
struct LedgerCustomer: Sendable, Hashable {
    let id: UUID
    let status: String
    let firstName: String?
    let lastName: String?
    let email: String?
    let phone: String?
    let loyaltyCardNumber: String?
    let levelID: UUID?
    let posID: UUID?

    init(_ summary: CustomerSummary) {
        id = summary.id
        status = summary.status
        firstName = summary.firstName
        lastName = summary.lastName
        email = summary.email
        phone = summary.phone
        loyaltyCardNumber = summary.loyaltyCardNumber
        levelID = summary.levelID
        posID = summary.posID
    }
}

/// Finds customers of a store through the customers library, inside the caller's transaction.
enum CustomerDirectory {
    static func find(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> LedgerCustomer? {
        try await CustomersLibrary.customer(on: database, storeID: storeID, id: id).map(LedgerCustomer.init)
    }

    /// By UUID, e-mail (any case), phone or loyalty card number: how p2p transfers name customers.
    static func find(on database: some PostgresQueryable, storeID: UUID, reference: String) async throws -> LedgerCustomer? {
        if let id = UUID(uuidString: reference) {
            return try await find(on: database, storeID: storeID, id: id)
        }
        return try await CustomersLibrary.customer(on: database, storeID: storeID, identifier: reference).map(LedgerCustomer.init)
    }

    /// Matches transaction customer data in the store's identification priority (extensions §5.2).
    static func match(
        on database: some PostgresQueryable, storeID: UUID, email: String?, loyaltyCardNumber: String?, phone: String?,
        order: [String] = ["email", "loyaltyCardNumber", "phone"]
    ) async throws -> LedgerCustomer? {
        for field in order {
            let found: CustomerSummary?
            switch field {
            case "email": found = try await email.asyncFlatMap { try await CustomersLibrary.customer(on: database, storeID: storeID, email: $0) }
            case "phone": found = try await phone.asyncFlatMap { try await CustomersLibrary.customer(on: database, storeID: storeID, phone: $0) }
            case "loyaltyCardNumber":
                found = try await loyaltyCardNumber.asyncFlatMap { try await CustomersLibrary.customer(on: database, storeID: storeID, loyaltyCardNumber: $0) }
            default: found = nil
            }
            if let found { return LedgerCustomer(found) }
        }
        return nil
    }

    /// What earning rules need: level and segments.
    static func profile(on database: some PostgresQueryable, storeID: UUID, customer: LedgerCustomer) async throws -> CustomerProfile {
        let segments = try await CustomersLibrary.segmentIDs(on: database, storeID: storeID, customerID: customer.id)
        return CustomerProfile(id: customer.id, levelID: customer.levelID, segmentIDs: Set(segments), active: customer.status == "active")
    }
}

extension Optional where Wrapped: Sendable {
    func asyncFlatMap<Result>(_ transform: (Wrapped) async throws -> Result?) async rethrows -> Result? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
