import Foundation
import Logging
import Postgres

/// Deletes what has expired: sessions and their tokens, revocations of expired access tokens, used or
/// expired reset tokens, idle rate-limit buckets. Runs every few minutes on every replica (the deletes
/// are idempotent).
struct AuthMaintenance: Sendable {
    let pool: PostgresPool
    let logger: Logger
    var interval: Duration = .seconds(600)

    /// Prunes now and then every `interval`, until cancelled.
    func run() async {
        while !Task.isCancelled {
            do {
                try await prune()
            } catch {
                if !Task.isCancelled { logger.warning("auth maintenance failed: \(error)") }
            }
            try? await Task.sleep(for: interval)
        }
    }

    func prune() async throws {
        try await SessionRepository().pruneExpired(on: pool)
        try await PasswordResetRepository().pruneExpired(on: pool)
        try await RateLimiter(limit: AuthPolicy.loginAttemptsPerWindow, windowSeconds: AuthPolicy.rateLimitWindowSeconds).prune(on: pool)
    }
}
