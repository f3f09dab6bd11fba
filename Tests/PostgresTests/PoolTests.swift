import Foundation
@testable import Postgres
import TestSupport
import Testing

@Suite("Connection pool")
struct PoolTests {
    @Test func aLeaseRunsOnItsOwnThreadAcrossSuspensions() async throws {
        try await TestDatabase.withPool(size: 3) { pool in
            let results = try await withThrowingTaskGroup(of: [Bool].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await pool.transaction { tx in
                            var onOwnThread = [tx.thread?.isCurrent == true]
                            _ = try await tx.query("SELECT pg_sleep(0.01)")
                            await Task.yield()
                            try await Task.sleep(for: .milliseconds(5))
                            onOwnThread.append(tx.thread?.isCurrent == true)
                            return onOwnThread
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append(contentsOf: $1) }
            }
            // Six transactions on three connections: each ran on its lease's thread, before and after suspending.
            #expect(results.count == 12 && results.allSatisfy { $0 })
        }
    }

    @Test func exhaustedPoolTimesOutThenRecovers() async throws {
        try await TestDatabase.withPool(size: 2, acquireTimeout: .milliseconds(300)) { pool in
            let (holding, held) = AsyncStream<Void>.makeStream(bufferingPolicy: .unbounded)
            let (release, releaseSignal) = AsyncStream<Void>.makeStream(bufferingPolicy: .unbounded)
            let holders = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await pool.withConnection { session in
                                _ = try await session.query("SELECT 1")
                                held.yield()
                                for await _ in release { break }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var count = 0
            for await _ in holding {
                count += 1
                if count == 2 { break }
            }
            #expect(pool.statistics.opened == 2)

            let started = ContinuousClock.now
            let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error.kind == .poolTimeout)
            #expect(ContinuousClock.now - started >= .milliseconds(250))

            releaseSignal.yield()
            releaseSignal.yield()
            try await holders.value
            #expect(try await pool.query("SELECT 7").scalar(Int.self) == 7)
            #expect(pool.statistics.opened <= 2)
        }
    }

    @Test func waitersAreServedWhenConnectionsComeBack() async throws {
        try await TestDatabase.withPool(size: 2, acquireTimeout: .seconds(10)) { pool in
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask { try await pool.query("SELECT \(index)::int FROM pg_sleep(0.01)").scalar(Int.self) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted() == Array(0..<40))
            #expect(pool.statistics.opened == 2)
        }
    }

    @Test func blockingQueriesDoNotStallOtherWork() async throws {
        try await TestDatabase.withPool(size: 3) { pool in
            // Ordering, not wall-clock time: the quick query must come back while the slow one still sleeps.
            let slow = Task { _ = try await pool.query("SELECT pg_sleep(2)"); return ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
            let quickDone = ContinuousClock.now
            #expect(quickDone < (try await slow.value))
        }
    }
}
