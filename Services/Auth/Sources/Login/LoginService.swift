import Foundation
import Postgres
import ServiceKit

/// One `login_check` call.
struct LoginAttempt: Sendable {
    /// `.admin`, `.customer` or `.seller`.
    let kind: Identity.Kind
    /// The store of a customer or seller log-in.
    let store: Store?
    let username: String
    let password: String
    let ip: String?
}

/// Log-in and refresh, shared by every `login_check` endpoint and `POST /api/token/refresh`: rate limit
/// per client address, bcrypt check, audit entry, session and tokens.
struct LoginService: Sendable {
    let pool: PostgresPool
    let issuer: TokenIssuer
    let logins = LoginRepository()
    let limiter = RateLimiter(limit: AuthPolicy.loginAttemptsPerWindow, windowSeconds: AuthPolicy.rateLimitWindowSeconds)

    static let badCredentials = APIError.unauthorized("Bad credentials")
    static let disabledAccount = APIError.unauthorized("Account is disabled.")
    static let invalidRefreshToken = APIError.unauthorized("Invalid refresh token")

    /// Refuses the call with 429 when its address made too many log-in or refresh calls in the window.
    func throttle(_ ip: String?) async throws {
        if let wait = try await limiter.hit("login|\(ip ?? "unknown")", on: pool) {
            throw APIError.tooManyRequests(retryAfterSeconds: wait)
        }
    }

    func logIn(_ attempt: LoginAttempt) async throws -> TokenPair {
        try await throttle(attempt.ip)
        let user = try await authenticate(attempt)
        guard let user else {
            try await audit("AuthenticationFailure", attempt, username: "", userID: "", on: pool)
            throw Self.badCredentials
        }
        guard user.mayLogIn else {
            try await audit("AuthenticationFailure", attempt, username: user.username, userID: user.userID.uuidString.lowercased(), on: pool)
            throw Self.disabledAccount
        }
        let owner = SessionOwner(kind: attempt.kind, userID: user.userID, storeID: attempt.store?.id)
        return try await pool.transaction { tx in
            let pair = try await issuer.startSession(for: owner, storeCode: attempt.store?.code, on: tx)
            try await audit("AuthenticationSuccess", attempt, username: user.username, userID: user.userID.uuidString.lowercased(), on: tx)
            if attempt.kind == .customer { try await Self.customerLoggedIn(owner, ip: attempt.ip, on: tx) }
            return pair
        }
    }

    /// `CustomerLoggedIn {customerId}`: the ledger pays the store's `oloy.customer.logged_in` event rule on it.
    static let customerLoggedInEvent = "CustomerLoggedIn"

    private static func customerLoggedIn(_ owner: SessionOwner, ip: String?, on tx: PostgresSession) async throws {
        let id = owner.userID.uuidString.lowercased()
        try await EventLog.append(
            try NewEvent(storeID: owner.storeID, aggregateType: "customer", aggregateID: id, type: customerLoggedInEvent,
                         payload: ["customerId": id], actor: Actor(type: "customer", id: id, ip: ip)),
            on: tx
        )
    }

    /// Rotates a refresh token; a reused one revokes its session. Every failure is the same 401.
    func refresh(_ refreshToken: String, ip: String?) async throws -> TokenPair {
        try await throttle(ip)
        let pair: TokenPair? = try await pool.transaction { tx in
            guard case .rotated(let sessionID, let owner) = try await issuer.sessions.consumeRefreshToken(on: tx, digest: Secrets.sha256Hex(refreshToken))
            else { return nil }
            let status = try await logins.status(of: owner, on: tx)
            guard status.allowed else {
                try await issuer.sessions.revoke(on: tx, sessionID: sessionID)
                return nil
            }
            return try await issuer.continueSession(sessionID, for: owner, storeCode: status.storeCode, on: tx)
        }
        guard let pair else { throw Self.invalidRefreshToken }
        return pair
    }

    /// The user whose password matches, trying each candidate (e-mail, then card, then phone matches).
    private func authenticate(_ attempt: LoginAttempt) async throws -> LoginCandidate? {
        guard !attempt.username.isEmpty, !attempt.password.isEmpty else { return nil }
        let candidates: [LoginCandidate]
        switch (attempt.kind, attempt.store) {
        case (.admin, _): candidates = try await logins.admin(named: attempt.username, on: pool).map { [$0] } ?? []
        case (.customer, let store?): candidates = try await logins.customers(named: attempt.username, storeID: store.id, on: pool)
        case (.seller, let store?): candidates = try await logins.seller(named: attempt.username, storeID: store.id, on: pool).map { [$0] } ?? []
        default: candidates = []
        }
        if candidates.isEmpty { _ = await PasswordHasher.verify(attempt.password, against: nil) }
        for candidate in candidates {
            if await PasswordHasher.verify(attempt.password, against: candidate.passwordHash) { return candidate }
        }
        return nil
    }

    private func audit(_ type: String, _ attempt: LoginAttempt, username: String, userID: String, on database: some PostgresQueryable) async throws {
        let actor = AuditActor(username: username, userID: userID, userType: attempt.kind.rawValue, ip: attempt.ip)
        let entry = AuditEntry(eventType: type, entityType: "user", storeID: attempt.store?.id)
        try await AuditLog.record(entry, actor: actor, on: database)
    }
}
