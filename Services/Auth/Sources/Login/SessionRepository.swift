import Foundation
import Postgres
import ServiceKit

/// Who a log-in session belongs to.
struct SessionOwner: Sendable, Hashable {
    /// `.admin`, `.customer` or `.seller`.
    let kind: Identity.Kind
    let userID: UUID
    /// The store of a customer or seller; nil for admins.
    let storeID: UUID?
}

/// What presenting a refresh token led to.
enum RefreshOutcome: Sendable {
    /// The token was live: it is now used, and the session goes on.
    case rotated(sessionID: UUID, owner: SessionOwner)
    /// The token had been used before: its session (the whole token family) is now revoked.
    case reused
    /// Unknown, expired, or its session revoked or expired.
    case invalid
}

/// Sessions, refresh tokens (by digest) and issued access-token ids (`auth.sessions`, `auth.refresh_tokens`,
/// `auth.issued_tokens`). Revocations NOTIFY the credential caches through the tables' triggers.
struct SessionRepository: Sendable {
    func create(on database: some PostgresQueryable, owner: SessionOwner, expiresAt: Date) async throws -> UUID {
        let id = UUID()
        try await database.execute("""
            INSERT INTO auth.sessions (id, user_type, user_id, store_id, expires_at)
            VALUES (\(id), \(owner.kind.rawValue), \(owner.userID), \(owner.storeID), \(expiresAt))
            """)
        return id
    }

    func addRefreshToken(on database: some PostgresQueryable, sessionID: UUID, digest: String, expiresAt: Date) async throws {
        try await database.execute("""
            INSERT INTO auth.refresh_tokens (token_hash, session_id, expires_at) VALUES (\(digest), \(sessionID), \(expiresAt))
            """)
    }

    func recordAccessToken(on database: some PostgresQueryable, jti: String, sessionID: UUID?, expiresAt: Date) async throws {
        try await database.execute("""
            INSERT INTO auth.issued_tokens (jti, session_id, expires_at) VALUES (\(jti), \(sessionID), \(expiresAt))
            """)
    }

    /// Uses a refresh token once. A token presented again revokes its session.
    func consumeRefreshToken(on database: some PostgresQueryable, digest: String) async throws -> RefreshOutcome {
        let row = try await database.query("""
            UPDATE auth.refresh_tokens r SET used_at = now()
            FROM auth.sessions s
            WHERE r.token_hash = \(digest) AND r.used_at IS NULL AND r.expires_at > now()
              AND s.id = r.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
            RETURNING s.id, s.user_type, s.user_id, s.store_id
            """).firstRow
        if let row, let kind = Identity.Kind(rawValue: try row.decode(String.self, "user_type")) {
            let owner = SessionOwner(kind: kind, userID: try row.decode(UUID.self, "user_id"), storeID: try row.decode(UUID?.self, "store_id"))
            return .rotated(sessionID: try row.decode(UUID.self, "id"), owner: owner)
        }
        let used = try await database.query("""
            SELECT session_id FROM auth.refresh_tokens WHERE token_hash = \(digest) AND used_at IS NOT NULL
            """).firstRow
        guard let used else { return .invalid }
        try await revoke(on: database, sessionID: try used.decode(UUID.self, "session_id"))
        return .reused
    }

    func revoke(on database: some PostgresQueryable, sessionID: UUID) async throws {
        try await database.execute("UPDATE auth.sessions SET revoked_at = now() WHERE id = \(sessionID) AND revoked_at IS NULL")
    }

    /// Revokes every live session of a user (log out everywhere).
    func revokeAll(on database: some PostgresQueryable, kind: Identity.Kind, userID: UUID) async throws {
        try await database.execute("""
            UPDATE auth.sessions SET revoked_at = now()
            WHERE user_type = \(kind.rawValue) AND user_id = \(userID) AND revoked_at IS NULL
            """)
    }

    /// Revokes one access token, whether or not this service recorded it.
    func revokeAccessToken(on database: some PostgresQueryable, jti: String, expiresAt: Date) async throws {
        try await database.execute("""
            INSERT INTO auth.issued_tokens (jti, expires_at, revoked_at) VALUES (\(jti), \(expiresAt), now())
            ON CONFLICT (jti) DO UPDATE SET revoked_at = coalesce(auth.issued_tokens.revoked_at, now())
            """)
    }

    /// Deletes expired sessions (with their tokens), refresh tokens and access-token records.
    func pruneExpired(on database: some PostgresQueryable) async throws {
        try await database.execute("DELETE FROM auth.sessions WHERE expires_at < now() - interval '1 day'")
        try await database.execute("DELETE FROM auth.refresh_tokens WHERE expires_at < now() - interval '1 day'")
        try await database.execute("DELETE FROM auth.issued_tokens WHERE expires_at < now() - interval '1 hour'")
    }
}
