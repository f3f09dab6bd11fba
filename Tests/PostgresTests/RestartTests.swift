import Foundation
import Postgres
import TestSupport
import Testing

/// These tests stop and start a private PostgreSQL of their own.
@Suite("Surviving a PostgreSQL restart", .serialized)
struct RestartTests {
    @Test func poolReconnectsAfterServerRestart() async throws {
        try await PostgresServer.with { server in
        let pool = PostgresPool(configuration: server.configuration, size: 3, acquireTimeout: .seconds(15))
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        #expect(pool.statistics.idle == 1)

        try await server.stopProcess()
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error.kind == .connection)

        try await server.startProcess()
        #expect(try await pool.query("SELECT 2").scalar(Int.self) == 2)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 0..<10 { group.addTask { try await pool.query("SELECT \(value)::int").scalar(Int.self) } }
            return try await group.reduce(into: 0) { $0 += $1 }
        }
        #expect(results == 45)
        await pool.shutdown()
        }
    }

    @Test func listenerReconnectsAndKeepsDelivering() async throws {
        try await PostgresServer.with { server in
        let pool = PostgresPool(configuration: server.configuration, size: 2)
        let listener = PostgresListener(configuration: server.configuration)
        var iterator = listener.notifications(on: "jobs").makeAsyncIterator()

        #expect(await iterator.next() == .connected)
        try await pool.notify("jobs", payload: "first")
        #expect(await iterator.next() == .message(channel: "jobs", payload: "first"))

        try await server.stopProcess()
        try await server.startProcess()
        #expect(await iterator.next() == .connected)
        try await pool.notify("jobs", payload: "after restart")
        #expect(await iterator.next() == .message(channel: "jobs", payload: "after restart"))

        listener.shutdown()
        #expect(await iterator.next() == nil)
        await pool.shutdown()
        }
    }
}
