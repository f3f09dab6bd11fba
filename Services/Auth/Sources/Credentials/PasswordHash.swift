import Foundation
import Postgres
import ServiceKit

/// A bcrypt hash of a password. Make it before opening the transaction that stores it, so the transaction
/// does not hold its connection while bcrypt works:
///
///     let hash = await PasswordHash(hashing: plainPassword)
///     try await pool.transaction { tx in
///         try await CustomerCredentials.register(on: tx, ..., password: hash, active: true)
///     }
public struct PasswordHash: Sendable, Hashable {
    /// The bcrypt string (`$2b$…`).
    public let value: String

    /// Hashes a password with the configured bcrypt cost.
    public init(hashing password: String) async {
        value = await PasswordHasher.hash(password)
    }

    init(stored value: String) {
        self.value = value
    }
}

/// The identifiers a user logs in with, each unique within a store.
public enum CredentialField: String, Sendable, Hashable {
    case email
    case phone
    case loyaltyCardNumber
}

/// Why the credentials library refused a change.
public enum CredentialError: Error, Sendable, Hashable {
    /// Another user of the store already has this identifier.
    case duplicate(CredentialField)
    /// Credentials for this user id already exist in the store.
    case alreadyRegistered
    /// No credentials for this user id in the store.
    case notFound
}

/// Identifier normalization: surrounding spaces dropped, empty means none.
enum Identifier {
    static func normalized(_ text: String?) -> String? {
        guard let text = text?.trimmedWhitespace, !text.isEmpty else { return nil }
        return text
    }
}
