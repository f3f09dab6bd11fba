import Foundation
import Logging
import Postgres
import ServiceKit

/// Keeps segment memberships current (extensions §2.6, proposal adopted): a customer's memberships are
/// re-evaluated when one of its events arrives (registration, changes, level moves; transactions through the
/// ledger consumer, after it stored them), and every
/// active segment is recomputed periodically for the criteria that depend on the date (anniversary, recency).
/// The same consumer sends the `new_level` e-mail of automatic level moves, which it already reads.
struct SegmentWorkers: Sendable {
    static let consumerName = "customers.segments"
    static let eventTypes = CustomerEvent.affectingSegments

    let runtime: ServiceRuntime
    let membership = SegmentMembership()
    let segments = SegmentRepository()

    var consumer: EventConsumer {
        EventConsumer(name: Self.consumerName, eventTypes: Self.eventTypes, runtime: runtime) { event, tx in
            guard let storeID = event.storeID else { return }
            guard let customer = UUID(uuidString: event.aggregateID) else { return }
            try await membership.recalculate(customer: customer, storeID: storeID, change: .system, on: tx)
            try await NewLevelMail(runtime: runtime).handle(event, on: tx)
        }
    }

    /// Recomputes every active segment of every store, one segment per transaction.
    func recalculateAll() async throws {
        let rows = try await runtime.pool.query("SELECT store_id, id FROM customers.segments WHERE active ORDER BY store_id, id")
        for row in rows {
            let storeID = try row.decode(UUID.self, "store_id"), id = try row.decode(UUID.self, "id")
            try await runtime.pool.transaction { tx in
                guard let segment = try await segments.find(on: tx, storeID: storeID, id: id, lock: true), segment.active else { return }
                try await membership.recalculate(segment, change: .system, on: tx)
            }
        }
    }

    /// The periodic pass, every `interval`.
    func periodic(every interval: Duration = .seconds(600)) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try await recalculateAll()
            } catch is CancellationError {
                return
            } catch {
                runtime.logger.error("segment recalculation failed: \(error)")
            }
        }
    }
}
