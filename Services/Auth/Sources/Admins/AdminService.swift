import Foundation
import Postgres
import ServiceKit

/// Creating and replacing admin users: the form checks that need the database, the write, its event and
/// its audit entry, in one transaction.
struct AdminService: Sendable {
    let admins = AdminRepository()
    let roles = RoleRepository()

    /// Creates an admin; without `roles` it gets the default role, if one is marked.
    func create(_ form: AdminForm, change: Change, on pool: PostgresPool) async throws -> UUID {
        let id = UUID()
        let passwordHash = await hash(form.external ? nil : form.plainPassword)
        try await reportingDuplicates(form) {
            try await pool.transaction { tx in
                try await validate(form, admin: nil, on: tx)
                var changes = self.changes(form, passwordHash: passwordHash)
                if form.roleIDs == nil { changes.roleID = try await roles.defaultRoleID(on: tx) }
                try await admins.create(on: tx, id: id, username: nil, changes)
                try await record(change, event: "AdminWasCreated", audit: "CreateAdmin", id: id, on: tx)
            }
        }
        return id
    }

    /// Replaces an admin's data (platform §5.9).
    func update(_ id: UUID, input: FormValue, change: Change, on pool: PostgresPool) async throws {
        let current = try await admins.find(on: pool, id: id).orThrow(APIError.notFound)
        var form = try AdminForm(input, current: current)
        form.check(editor: change.identity?.userID, admin: id)
        let passwordHash = await hash(form.external ? nil : form.plainPassword)
        try await reportingDuplicates(form) {
            try await pool.transaction { tx in
                _ = try await admins.find(on: tx, id: id, lock: true).orThrow(APIError.notFound)
                try await validate(form, admin: id, on: tx)
                try await admins.update(on: tx, id: id, changes(form, passwordHash: passwordHash))
                try await record(change, event: "AdminWasUpdated", audit: "UpdateAdmin", id: id, on: tx)
            }
        }
    }

    /// Adds the database checks (duplicate e-mail or token, unknown role) to the form's own; throws them all.
    private func validate(_ form: AdminForm, admin: UUID?, on tx: some PostgresQueryable) async throws {
        var errors = form.errors
        if form.hasValidEmail, try await admins.emailIsTaken(on: tx, email: form.email, excluding: admin) {
            errors.add(FormMessage.alreadyUsed, at: "email")
        }
        if form.external, let key = form.apiKey, try await admins.apiKeyIsTaken(on: tx, digest: Secrets.sha256Hex(key), excluding: admin) {
            errors.add(FormMessage.alreadyUsed, at: "apiKey")
        }
        if let ids = form.roleIDs, ids.count == 1, try await roles.existing(on: tx, ids: ids).count != 1 {
            errors.add(FormMessage.invalid, at: "roles")
        }
        guard errors.isEmpty else { throw errors }
    }

    private func changes(_ form: AdminForm, passwordHash: PasswordHash?) -> AdminChanges {
        AdminChanges(
            email: form.email, firstName: form.firstName, lastName: form.lastName, phone: form.phone,
            external: form.external, isActive: form.isActive, roleID: form.roleIDs?.first,
            passwordHash: passwordHash?.value, apiKeyDigest: form.external ? form.apiKey.map(Secrets.sha256Hex) : nil
        )
    }

    private func hash(_ password: String?) async -> PasswordHash? {
        guard let password else { return nil }
        return await PasswordHash(hashing: password)
    }

    private func record(_ change: Change, event: String, audit: String, id: UUID, on tx: some PostgresQueryable) async throws {
        let admin = try await admins.find(on: tx, id: id).orThrow(APIError.notFound)
        try await change.record(on: tx, event: event, audit: audit, entity: "admin", id: id.uuidString.lowercased(), payload: AdminView(admin))
    }

    /// A duplicate that slipped past the checks (a concurrent write) is the same form error.
    private func reportingDuplicates(_ form: AdminForm, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let duplicate as AdminRepository.Duplicate {
            var errors = FormErrors(schema: AdminForm.schema)
            errors.add(FormMessage.alreadyUsed, at: duplicate == .email ? "email" : "apiKey")
            throw errors
        }
    }
}
