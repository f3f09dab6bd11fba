import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Errors, transactions and concurrency")
struct ErrorAndTransactionTests {
    @Test func uniqueViolationCarriesSQLStateAndConstraint() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE people (email text CONSTRAINT people_email_key UNIQUE)")
            try await pool.execute("INSERT INTO people VALUES ('a@example.com')")
            let error = try await #require(throws: PostgresError.self) {
                try await pool.execute("INSERT INTO people VALUES ('a@example.com')")
            }
            #expect(error.kind == .server)
            #expect(error.sqlState == "23505")
            #expect(error.isUniqueViolation)
            #expect(error.constraint == "people_email_key")
            #expect(error.table == "people")
        }
    }

    @Test func failedTransactionLeavesNothingBehind() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE items (id integer PRIMARY KEY)")
            await #expect(throws: PostgresError.self) {
                try await pool.transaction { tx in
                    try await tx.execute("INSERT INTO items VALUES (1)")
                    try await tx.execute("INSERT INTO items VALUES (1)")
                }
            }
            #expect(try await pool.query("SELECT count(*) FROM items").scalar(Int.self) == 0)
            // The connection went back clean: the next transaction works.
            try await pool.transaction { tx in try await tx.execute("INSERT INTO items VALUES (2)") }
            #expect(try await pool.query("SELECT count(*) FROM items").scalar(Int.self) == 1)
        }
    }

    @Test func aFailingFirstStatementRollsBackAndTheConnectionStaysUsable() async throws {
        // BEGIN travels in one pipeline with the first statement: its failure must still end in ROLLBACK.
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.execute("CREATE TABLE items (id integer PRIMARY KEY)")
            try await pool.execute("INSERT INTO items VALUES (1)")
            for _ in 0..<3 {
                let error = try await #require(throws: PostgresError.self) {
                    try await pool.transaction { tx in try await tx.execute("INSERT INTO items VALUES (1)") }
                }
                #expect(error.isUniqueViolation)
            }
            let missing = try await #require(throws: PostgresError.self) {
                try await pool.transaction { tx in try await tx.execute("SELECT * FROM no_such_table_\(1)") }
            }
            #expect(missing.sqlState == "42P01")
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO items VALUES (2)")
                try await tx.execute("INSERT INTO items VALUES (3)")
            }
            #expect(try await pool.query("SELECT array_agg(id ORDER BY id)::text FROM items").scalar(String.self) == "{1,2,3}")
        }
    }

    @Test func theFirstStatementRunsInsideTheTransactionWithItsIsolation() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            // First use of the statement (prepared inside the pipeline) and a later use (already prepared).
            for _ in 0..<2 {
                let level = try await pool.transaction(isolation: .serializable) { tx in
                    try await tx.query("SELECT current_setting('transaction_isolation') AS level").scalar(String.self)
                }
                #expect(level == "serializable")
            }
            let simple = try await pool.transaction(isolation: .repeatableRead) { tx in
                try await tx.simpleQuery("SELECT current_setting('transaction_isolation') AS level").scalar(String.self)
            }
            #expect(simple == "repeatable read")
            // A body that runs nothing sends nothing, and leaves no BEGIN behind for the next statement: an
            // autocommit insert after it must stay (a leaked BEGIN would have it rolled back at release).
            try await pool.execute("CREATE TABLE marks (id integer)")
            let nothing: Int = try await pool.transaction { _ in 7 }
            #expect(nothing == 7)
            try await pool.execute("INSERT INTO marks VALUES (1)")
            #expect(try await pool.query("SELECT count(*) FROM marks").scalar(Int.self) == 1)
        }
    }

    @Test func savepointsTravelWithTheNextStatementAndStillUndoTheirPart() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.execute("CREATE TABLE items (id integer PRIMARY KEY)")
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO items VALUES (1)")
                // Kept: set, used, released.
                tx.savepoint("step")
                try await tx.execute("INSERT INTO items VALUES (2)")
                tx.releaseSavepoint("step")
                // Undone: a failing statement after the savepoint, then a good one in the same transaction.
                tx.savepoint("step")
                try await tx.execute("INSERT INTO items VALUES (3)")
                await #expect(throws: PostgresError.self) { try await tx.execute("INSERT INTO items VALUES (1)") }
                try await tx.rollbackToSavepoint("step")
                // Nothing ran since the savepoint: nothing to send, nothing undone.
                tx.savepoint("step")
                try await tx.rollbackToSavepoint("step")
                tx.savepoint("step")
                tx.releaseSavepoint("step")
                try await tx.execute("INSERT INTO items VALUES (4)")
                // A release pending at the end goes out with COMMIT.
                tx.savepoint("step")
                try await tx.execute("INSERT INTO items VALUES (5)")
                tx.releaseSavepoint("step")
            }
            #expect(try await pool.query("SELECT array_agg(id ORDER BY id)::text FROM items").scalar(String.self) == "{1,2,4,5}")
        }
    }

    @Test func concurrentTransactionsNeverLoseAnUpdate() async throws {
        try await TestDatabase.withPool(size: 6) { pool in
            try await pool.execute("CREATE TABLE counters (id integer PRIMARY KEY, value integer NOT NULL)")
            try await pool.execute("INSERT INTO counters VALUES (1, 0)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        try await pool.transaction { tx in
                            let current = try await tx.query("SELECT value FROM counters WHERE id = 1 FOR UPDATE").scalar(Int.self)
                            try await tx.execute("UPDATE counters SET value = \(current + 1) WHERE id = 1")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.query("SELECT value FROM counters WHERE id = 1").scalar(Int.self) == 60)
        }
    }

    @Test func serializationFailureIsRetried() async throws {
        try await TestDatabase.withPool(size: 4) { pool in
            try await pool.execute("CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL)")
            try await pool.execute("INSERT INTO accounts VALUES (1, 100)")
            let attempts = Counter()
            let (firstRead, readSignal) = AsyncStream<Void>.makeStream()
            let (otherCommitted, commitSignal) = AsyncStream<Void>.makeStream()

            async let slow: Void = pool.transaction(isolation: .serializable) { tx in
                let attempt = attempts.increment()
                let balance = try await tx.query("SELECT balance FROM accounts WHERE id = 1").scalar(Int.self)
                if attempt == 1 {
                    readSignal.yield()
                    for await _ in otherCommitted { break }
                }
                try await tx.execute("UPDATE accounts SET balance = \(balance - 30) WHERE id = 1")
            }
            for await _ in firstRead { break }
            try await pool.transaction(isolation: .serializable) { tx in
                try await tx.execute("UPDATE accounts SET balance = balance - 50 WHERE id = 1")
            }
            commitSignal.yield()
            try await slow

            #expect(attempts.current == 2)
            #expect(try await pool.query("SELECT balance FROM accounts WHERE id = 1").scalar(Int.self) == 20)
        }
    }

    @Test func deadlockIsRetried() async throws {
        try await TestDatabase.withPool(size: 4) { pool in
            try await pool.execute("CREATE TABLE slots (id integer PRIMARY KEY, value integer NOT NULL)")
            try await pool.execute("INSERT INTO slots VALUES (1, 0), (2, 0)")
            let attempts = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (first, second) in [(1, 2), (2, 1)] {
                    group.addTask {
                        try await Self.updateCrossing(pool: pool, first: first, second: second, attempts: attempts)
                    }
                }
                try await group.waitForAll()
            }
            #expect(attempts.current >= 3)
            #expect(try await pool.query("SELECT sum(value) FROM slots").scalar(Int.self) == 4)
        }
    }

    /// Locks `first`, pauses on the first two attempts so both transactions hold one row, then wants `second`.
    private static func updateCrossing(pool: PostgresPool, first: Int, second: Int, attempts: Counter) async throws {
        try await pool.transaction { tx in
            let attempt = attempts.increment()
            try await tx.execute("UPDATE slots SET value = value + 1 WHERE id = \(first)")
            if attempt <= 2 { try await Task.sleep(for: .milliseconds(300)) }
            try await tx.execute("UPDATE slots SET value = value + 1 WHERE id = \(second)")
        }
    }
}
