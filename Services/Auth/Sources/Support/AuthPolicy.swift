import Foundation

/// Lifetimes and limits of the auth service.
enum AuthPolicy {
    /// Access tokens (JWT) of admins, customers and sellers: one hour.
    static let accessTokenLifetime: TimeInterval = 3600
    /// Storefront session tokens: one hour.
    static let storefrontTokenLifetime: TimeInterval = 3600
    /// Refresh tokens and the sessions they carry: 30 days.
    static let refreshTokenLifetime: TimeInterval = 30 * 86_400
    /// Password-reset tokens: two hours.
    static let resetTokenLifetime: TimeInterval = 2 * 3600
    /// Log-in and refresh calls accepted per client address and window.
    static let loginAttemptsPerWindow = 20
    /// The rate-limit window.
    static let rateLimitWindowSeconds = 60
}
