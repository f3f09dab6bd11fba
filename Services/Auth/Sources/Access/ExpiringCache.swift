import Foundation
import Synchronization

/// A small cache whose entries live a few seconds, emptied at once by `invalidate()`.
///
/// A value looked up while an invalidation happens is not stored, so a change committed during the lookup
/// is never hidden behind a stale entry.
final class ExpiringCache<Value: Sendable>: Sendable {
    private struct State {
        var entries: [String: (value: Value, expires: ContinuousClock.Instant)] = [:]
        var generation = 0
    }

    private let timeToLive: Duration
    private let capacity: Int
    private let state = Mutex(State())

    init(timeToLive: Duration, capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The cached value for `key`, or the one `load` produces (then cached).
    func value(for key: String, load: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state in (state.entries[key], state.generation) }
        if let cached, cached.expires > now { return cached.value }
        let value = try await load()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll() }
            state.entries[key] = (value, now + timeToLive)
        }
        return value
    }

    func invalidate() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation += 1
        }
    }
}
