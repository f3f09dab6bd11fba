import Foundation
import Postgres

/// A sliding-window rate limit kept in PostgreSQL (`auth.rate_limits`), so every replica counts the same
/// hits: at most `limit` accepted hits per bucket in any `windowSeconds`.
///
/// One statement per hit: the upsert locks the bucket's row, drops the hits older than the window, and
/// appends this hit only if fewer than `limit` remain. Refused hits are not recorded.
struct RateLimiter: Sendable {
    let limit: Int
    let windowSeconds: Int

    /// nil when the hit is accepted; else the seconds until one is.
    func hit(_ bucket: String, on database: some PostgresQueryable) async throws -> Int? {
        let row = try await database.query("""
            INSERT INTO auth.rate_limits AS r (bucket, hits, updated_at)
            SELECT \(bucket), ARRAY[clock.t], clock.t FROM (SELECT clock_timestamp() AS t) AS clock
            ON CONFLICT (bucket) DO UPDATE SET
                hits = CASE
                    WHEN (SELECT count(*) FROM unnest(r.hits) AS h WHERE h > excluded.updated_at - make_interval(secs => \(windowSeconds))) >= \(limit)
                    THEN ARRAY(SELECT h FROM unnest(r.hits) AS h WHERE h > excluded.updated_at - make_interval(secs => \(windowSeconds)) ORDER BY h)
                    ELSE ARRAY(SELECT h FROM unnest(r.hits) AS h WHERE h > excluded.updated_at - make_interval(secs => \(windowSeconds)) ORDER BY h)
                         || excluded.updated_at
                END,
                updated_at = excluded.updated_at
            RETURNING hits[cardinality(hits)] = updated_at AS accepted,
                      greatest(1, ceil(extract(epoch FROM hits[1] + make_interval(secs => \(windowSeconds)) - updated_at)))::integer AS retry_after
            """).firstRow
        guard let row, try !row.decode(Bool.self, "accepted") else { return nil }
        return try row.decode(Int.self, "retry_after")
    }

    /// Forgets buckets with no hit inside the window.
    func prune(on database: some PostgresQueryable) async throws {
        try await database.execute("DELETE FROM auth.rate_limits WHERE updated_at < now() - make_interval(secs => \(windowSeconds))")
    }
}
