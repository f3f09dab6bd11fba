import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    let set = MigrationSet(schema: "sample", migrations: [
        Migration(version: 2, name: "add_email", sql: "ALTER TABLE people ADD COLUMN email text; INSERT INTO people (name) VALUES ('second');"),
        Migration(version: 1, name: "create_people", sql: "CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL);"),
    ])

    @Test func appliedOnceInOrderAndRecorded() async throws {
        try await TestDatabase.withPool { pool in
            let migrator = Migrator(pool: pool)
            #expect(try await migrator.migrate([set]) == ["sample/1_create_people", "sample/2_add_email"])
            #expect(try await migrator.migrate([set]) == [])
            let recorded = try await pool.query("SELECT version, name FROM sample.schema_migrations ORDER BY version")
                .map { "\(try $0.decode(Int.self, "version")) \(try $0.decode(String.self, "name"))" }
            #expect(recorded == ["1 create_people", "2 add_email"])
            #expect(try await pool.query("SELECT count(*) FROM sample.people").scalar(Int.self) == 1)
        }
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await TestDatabase.withPool(size: 6) { pool in
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<5 { group.addTask { try await Migrator(pool: pool).migrate([set]) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == ["sample/1_create_people", "sample/2_add_email"])
            #expect(try await pool.query("SELECT count(*) FROM sample.people").scalar(Int.self) == 1)
        }
    }

    @Test func failingMigrationIsRolledBackAndNotRecorded() async throws {
        try await TestDatabase.withPool { pool throws in
            let broken = MigrationSet(schema: "broken", migrations: [
                Migration(version: 1, name: "ok", sql: "CREATE TABLE a (id int);"),
                Migration(version: 2, name: "bad", sql: "CREATE TABLE b (id int); SELECT no_such_function();"),
            ])
            await #expect(throws: PostgresError.self) { try await Migrator(pool: pool).migrate([broken]) }
            #expect(try await pool.query("SELECT count(*) FROM broken.schema_migrations").scalar(Int.self) == 1)
            #expect(try await pool.query("SELECT to_regclass('broken.b') IS NULL").scalar(Bool.self))
        }
    }

    @Test func suiteTemplateHasEverySchemaAndTheDefaultStore() async throws {
        try await TestDatabase.withPool { pool in
            let schemas = try await pool.query("""
                SELECT nspname FROM pg_namespace WHERE nspname IN ('suite', 'auth', 'customers', 'ledger', 'campaigns', 'reviews') ORDER BY nspname
                """).map { try $0.decode(String.self, "nspname") }
            #expect(schemas == ["auth", "campaigns", "customers", "ledger", "reviews", "suite"])
            #expect(try await pool.query("SELECT code FROM auth.stores").scalar(String.self) == "DEFAULT")
        }
    }
}
