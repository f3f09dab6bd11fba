import Foundation
import Logging

/// One numbered SQL file of a schema, e.g. `0001_create_stores.sql`.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// The migrations of one schema, applied in version order.
public struct MigrationSet: Sendable, Hashable {
    public let schema: String
    public let migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Loads every `NNNN_name.sql` file of a directory (typically a target's bundled `Migrations` folder).
    public static func load(schema: String, directory: URL) throws -> MigrationSet {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        var migrations: [Migration] = []
        for file in files {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw PostgresError.configuration("migration file \(file) is not named NNNN_name.sql")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        let versions = migrations.map(\.version)
        guard Set(versions).count == versions.count else {
            throw PostgresError.configuration("duplicate migration versions in \(directory.path)")
        }
        return MigrationSet(schema: schema, migrations: migrations)
    }
}

/// Applies migration sets once each, in order, under a cluster-wide advisory lock so that replicas
/// starting together never race. Applied versions are recorded in `<schema>.schema_migrations`.
public struct Migrator: Sendable {
    /// Arbitrary constant shared by every service of the suite.
    static let advisoryLockKey: Int64 = 0x4C4F_5941_4C54
    let pool: PostgresPool
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger = Logger(label: "migrations")) {
        self.pool = pool
        self.logger = logger
    }

    /// Applies what is missing of each set, in the order given; returns what it applied as `schema/version_name`.
    @discardableResult
    public func migrate(_ sets: [MigrationSet]) async throws -> [String] {
        try await pool.withConnection { session in
            _ = try await session.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
            do {
                var applied: [String] = []
                for set in sets { applied += try await migrate(set, on: session) }
                _ = try await session.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                return applied
            } catch {
                _ = try? await session.simpleQuery("ROLLBACK")
                _ = try? await session.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                throw error
            }
        }
    }

    private func migrate(_ set: MigrationSet, on session: PostgresSession) async throws -> [String] {
        let schema = quoted(set.schema)
        try await session.simpleQuery("""
            CREATE SCHEMA IF NOT EXISTS \(schema);
            CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """)
        let done = Set(try await session.query("SELECT version FROM \(identifier: set.schema).schema_migrations")
            .map { try $0.decode(Int.self, "version") })
        var applied: [String] = []
        for migration in set.migrations where !done.contains(migration.version) {
            logger.info("applying migration \(set.schema)/\(migration.version)_\(migration.name)")
            try await session.simpleQuery("BEGIN; SET LOCAL search_path TO \(schema), public;\n\(migration.sql)\n;")
            _ = try await session.query("""
                INSERT INTO \(identifier: set.schema).schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))
                """)
            try await session.simpleQuery("COMMIT")
            applied.append("\(set.schema)/\(migration.version)_\(migration.name)")
        }
        return applied
    }

    private func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
