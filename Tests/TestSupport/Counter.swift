import Synchronization

/// A counter tasks can share.
public final class Counter: Sendable {
    private let value = Mutex(0)

    public init() {}

    /// Adds one and returns the new count.
    @discardableResult
    public func increment() -> Int {
        value.withLock { count in
            count += 1
            return count
        }
    }

    public var current: Int { value.withLock { $0 } }
}
