import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The log-in identifiers of customers, kept by the auth library (its credentials table is their only
/// home of uniqueness): conflicts are asked there, and its duplicate errors become form errors here.
enum CustomerIdentifiers {
    /// Whether another customer of the store uses one of these identifiers.
    static func conflict(
        on database: some PostgresQueryable, storeID: UUID, excluding customer: UUID?, email: String?, phone: String?, card: String?
    ) async throws -> Bool {
        try await CustomerCredentials.conflict(
            on: database, storeID: storeID, excluding: customer, email: email, phone: phone, loyaltyCardNumber: card
        ) != nil
    }

    /// The form field of a credential field.
    static func field(_ field: CredentialField) -> String {
        switch field {
        case .email: "email"
        case .phone: "phone"
        case .loyaltyCardNumber: "loyaltyCardNumber"
        }
    }

    /// Runs `body`; a duplicate the library detects (a concurrent registration won) becomes the form error.
    static func reportingDuplicates<Result>(schema: FormSchema, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch CredentialError.duplicate(let field) {
            var errors = FormErrors(schema: schema)
            errors.add(FormMessage.alreadyUsed, at: Self.field(field))
            throw errors
        }
    }
}
