import Foundation
import Postgres
import ServiceKit

/// Password reset (token mailed through the outbox) and change, for admins and customers.
struct PasswordService: Sendable {
    let pool: PostgresPool
    let outbox: Outbox
    let resets = PasswordResetRepository()
    let admins = AdminRepository()
    let sessions = SessionRepository()

    static let wrongCurrentPassword = "This value should be the user's current password."
    static let resetSchema: FormSchema = ["plainPassword"]
    static let changeSchema: FormSchema = ["currentPassword", "plainPassword"]

    /// Stores a new reset token for `owner` and mails it to `email` (after the commit). Without an owner
    /// (an unknown user) nothing happens, and the caller answers the same.
    func requestReset(owner: ResetOwner?, email: String?, storeCode: String?) async throws {
        guard let owner, let email else { return }
        let token = Secrets.randomToken()
        try await pool.transaction { tx in
            try await resets.create(
                on: tx, owner: owner, digest: Secrets.sha256Hex(token), expiresAt: Date().addingTimeInterval(AuthPolicy.resetTokenLifetime)
            )
            let id = owner.userID.uuidString.lowercased()
            try await EventLog.append(
                try NewEvent(storeID: owner.storeID, aggregateType: owner.kind.rawValue, aggregateID: id, type: "PasswordResetWasRequested",
                             payload: ["userType": owner.kind.rawValue, "userId": id], actor: Actor(nil)),
                on: tx
            )
        }
        var data = ["token": token, "userType": owner.kind.rawValue]
        data["storeCode"] = storeCode
        try outbox.send(OutboxMessage(
            channel: .mail, to: email, subject: "Password reset",
            body: "A new password was requested for your account. Use this token to set it (valid for 2 hours): \(token)",
            template: "password_reset", data: data
        ))
    }

    /// Sets the password of a reset token's owner, uses the token, and logs the owner out everywhere.
    func reset(token: String, password: String, change: Change) async throws {
        let digest = Secrets.sha256Hex(token)
        guard try await resets.find(on: pool, digest: digest) != nil else { throw APIError.notFound }
        try Self.checkPolicy(password, schema: Self.resetSchema, currentPasswordMatches: true)
        let hash = await PasswordHash(hashing: password)
        try await pool.transaction { tx in
            let owner = try await resets.consume(on: tx, digest: digest).orThrow(APIError.notFound)
            try await setPassword(hash, of: owner, on: tx)
            try await sessions.revokeAll(on: tx, kind: owner.kind, userID: owner.userID)
            try await record(change, owner: owner, event: "PasswordWasReset", audit: "ResetPassword", on: tx)
        }
    }

    /// Changes the caller's own password after checking the current one.
    func change(_ owner: ResetOwner, current: String, new password: String, change: Change) async throws {
        let matches = try await currentPasswordMatches(current, owner: owner)
        try Self.checkPolicy(password, schema: Self.changeSchema, currentPasswordMatches: matches)
        let hash = await PasswordHash(hashing: password)
        try await pool.transaction { tx in
            try await setPassword(hash, of: owner, on: tx)
            try await record(change, owner: owner, event: "PasswordWasChanged", audit: "ChangePassword", on: tx)
        }
    }

    /// Throws the form errors of a new password: blank, or every broken policy rule.
    static func checkPolicy(_ password: String, schema: FormSchema, currentPasswordMatches: Bool) throws {
        var errors = FormErrors(schema: schema)
        if !currentPasswordMatches { errors.add(wrongCurrentPassword, at: "currentPassword") }
        if password.isEmpty { errors.add(FormMessage.notBlank, at: "plainPassword") }
        else { for problem in PasswordPolicy.problems(password) { errors.add(problem, at: "plainPassword") } }
        guard errors.isEmpty else { throw errors }
    }

    private func currentPasswordMatches(_ password: String, owner: ResetOwner) async throws -> Bool {
        switch owner.kind {
        case .admin:
            return await PasswordHasher.verify(password, against: try await admins.passwordHash(on: pool, id: owner.userID))
        case .customer:
            guard let store = owner.storeID else { return false }
            return try await CustomerCredentials.verifyPassword(on: pool, storeID: store, customerID: owner.userID, password: password)
        case .seller:
            guard let store = owner.storeID else { return false }
            return try await SellerCredentials.verifyPassword(on: pool, storeID: store, sellerID: owner.userID, password: password)
        default:
            return false
        }
    }

    private func setPassword(_ hash: PasswordHash, of owner: ResetOwner, on tx: some PostgresQueryable) async throws {
        switch (owner.kind, owner.storeID) {
        case (.admin, _): try await admins.setPassword(on: tx, id: owner.userID, hash: hash)
        case (.customer, let store?): try await CustomerCredentials.setPassword(on: tx, storeID: store, customerID: owner.userID, password: hash)
        case (.seller, let store?): try await SellerCredentials.setPassword(on: tx, storeID: store, sellerID: owner.userID, password: hash)
        default: throw APIError.notFound
        }
    }

    private func record(_ change: Change, owner: ResetOwner, event: String, audit: String, on tx: some PostgresQueryable) async throws {
        let id = owner.userID.uuidString.lowercased()
        try await change.record(
            on: tx, event: event, audit: audit, entity: owner.kind.rawValue, id: id, storeID: owner.storeID,
            payload: ["userType": owner.kind.rawValue, "userId": id]
        )
    }
}
