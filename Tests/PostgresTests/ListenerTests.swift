import Foundation
import Postgres
import TestSupport
import Testing

@Suite("LISTEN/NOTIFY")
struct ListenerTests {
    @Test func notificationsArriveAtCommitOnTheirChannelOnly() async throws {
        let configuration = try await TestDatabase.fresh()
        let pool = PostgresPool(configuration: configuration, size: 2)
        let listener = PostgresListener(configuration: configuration)
        var orders = listener.notifications(on: "orders").makeAsyncIterator()
        var refunds = listener.notifications(on: "refunds").makeAsyncIterator()
        #expect(await orders.next() == .connected)
        #expect(await refunds.next() == .connected)

        try await pool.transaction { tx in
            try await tx.notify("orders", payload: "42")
            try await tx.execute("SELECT 1")
        }
        try await pool.notify("refunds", payload: "7")
        #expect(await orders.next() == .message(channel: "orders", payload: "42"))
        #expect(await refunds.next() == .message(channel: "refunds", payload: "7"))

        await #expect(throws: Never.self) {
            try? await pool.transaction { tx in
                try await tx.notify("orders", payload: "rolled back")
                throw CancellationError()
            }
        }
        try await pool.notify("orders", payload: "43")
        #expect(await orders.next() == .message(channel: "orders", payload: "43"))

        listener.shutdown()
        await pool.shutdown()
        try await TestDatabase.drop(configuration)
    }
}
