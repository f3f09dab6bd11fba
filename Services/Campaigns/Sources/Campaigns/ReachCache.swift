import Foundation
import Synchronization

/// How many customers a targeting (levels and segments of a store) reaches, remembered for a short while:
/// counting a large level on every storefront list would cost more than the rest of the request, and
/// `visibleForCustomersCount` may lag by `ttl` (decision campaigns §0.6, §1.1).
final class ReachCache: Sendable {
    struct Key: Hashable {
        let storeID: UUID
        let levels: [UUID]
        let segments: [UUID]
    }

    static let shared = ReachCache()
    let ttl: TimeInterval = 30
    private let entries = Mutex<[Key: (count: Int, at: Date)]>([:])
    private static let capacity = 4096

    func count(_ key: Key, now: Date = Date(), counting: () async throws -> Int) async throws -> Int {
        if let hit = entries.withLock({ $0[key] }), now.timeIntervalSince(hit.at) < ttl { return hit.count }
        let count = try await counting()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (count, now)
        }
        return count
    }
}
