import Foundation
import Logging
import Postgres
import ServiceKit

/// The first admin. When `SEED_ADMIN_PASSWORD` is set and no admin exists yet, creates admin `admin`
/// (`admin@example.com`, the documented id) with that password and the master role. Replicas starting
/// together serialize on an advisory lock, so exactly one creates it.
enum AuthSeed {
    static let adminID = UUID(uuidString: "22200000-0000-474c-b092-b0dd880c07e2") ?? UUID()
    static let username = "admin"
    static let email = "admin@example.com"

    static func run(_ runtime: ServiceRuntime) async throws {
        guard let password = runtime.configuration.seedAdminPassword else { return }
        let admins = AdminRepository(), roles = RoleRepository()
        guard try await !admins.anyExists(on: runtime.pool) else { return }
        let hash = await PasswordHash(hashing: password)
        let created = try await runtime.pool.transaction { tx -> Bool in
            try await admins.lockSeeding(on: tx)
            guard try await !admins.anyExists(on: tx) else { return false }
            var master = try await roles.masterRoleID(on: tx)
            if master == nil { master = try await roles.createMaster(on: tx) }
            let changes = AdminChanges(
                email: email, external: false, isActive: true, roleID: master, passwordHash: hash.value, apiKeyDigest: nil
            )
            try await admins.create(on: tx, id: adminID, username: username, changes)
            let admin = try await admins.find(on: tx, id: adminID).orThrow(APIError.notFound)
            try await EventLog.append(
                try NewEvent(storeID: nil, aggregateType: "admin", aggregateID: adminID.uuidString.lowercased(), type: "AdminWasCreated",
                             payload: AdminView(admin), actor: .system),
                on: tx
            )
            return true
        }
        if created { runtime.logger.notice("created the first admin \"\(username)\" (\(email)) with the password of SEED_ADMIN_PASSWORD") }
    }
}
