import Synchronization

/// One upstream instance, identified by its base URL (`http://127.0.0.1:8101`).
public struct Replica: Sendable, Hashable, CustomStringConvertible {
    /// Scheme, host and port, without a trailing slash.
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public var description: String { baseURL }
}

/// The current replicas of one service, with the ones that recently refused connections marked down.
///
/// Thread-safe: the DNS refresher replaces members while requests read the failover order.
public final class ReplicaSet: Sendable {
    /// Name of the service these replicas serve.
    public let service: String
    private let downDuration: Duration
    private let state: Mutex<State>

    private struct State {
        var replicas: [Replica]
        var downUntil: [Replica: ContinuousClock.Instant] = [:]
    }

    /// - Parameters:
    ///   - downDuration: how long a replica that refused a connection is skipped.
    public init(service: String, replicas: [Replica], downDuration: Duration) {
        self.service = service
        self.downDuration = downDuration
        self.state = Mutex(State(replicas: replicas))
    }

    /// The current members.
    public var replicas: [Replica] {
        state.withLock { $0.replicas }
    }

    /// Replaces the members (after a DNS refresh); down marks of replicas that remain are kept.
    public func replace(with replicas: [Replica]) {
        state.withLock { state in
            state.replicas = replicas
            state.downUntil = state.downUntil.filter { replicas.contains($0.key) }
        }
    }

    /// The order in which to try replicas for `key`: healthy replicas by rendezvous weight, then — as a last
    /// resort, so a fleet that restarted as a whole is picked up at once — the ones marked down.
    public func failoverOrder(forKey key: String, now: ContinuousClock.Instant = .now) -> [Replica] {
        let (replicas, downUntil) = state.withLock { ($0.replicas, $0.downUntil) }
        let ranked = RendezvousHash.rank(replicas, forKey: key)
        let isDown = { (replica: Replica) in (downUntil[replica].map { $0 > now }) ?? false }
        return ranked.filter { !isDown($0) } + ranked.filter(isDown)
    }

    /// Skips `replica` for the configured down duration.
    public func markDown(_ replica: Replica, now: ContinuousClock.Instant = .now) {
        state.withLock { $0.downUntil[replica] = now + downDuration }
    }

    /// Whether `replica` is currently marked down.
    public func isMarkedDown(_ replica: Replica, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { ($0.downUntil[replica].map { $0 > now }) ?? false }
    }
}

/// Rendezvous (highest random weight) hashing: every (key, replica) pair gets a pseudo-random weight and a key
/// goes to the replica with the highest one. Adding or removing a replica only moves the keys it wins or loses.
///
/// The hash is FNV-1a plus a SplitMix64 finaliser rather than `Hasher`, which is seeded per process: every
/// gateway instance must agree on the order.
public enum RendezvousHash {
    /// `replicas` from the highest to the lowest weight for `key` (ties broken by URL, for determinism).
    public static func rank(_ replicas: [Replica], forKey key: String) -> [Replica] {
        replicas
            .map { (replica: $0, weight: weight(key: key, replica: $0)) }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.replica.baseURL < $1.replica.baseURL }
            .map(\.replica)
    }

    /// The weight of `replica` for `key`.
    public static func weight(key: String, replica: Replica) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3 }
        hash = (hash ^ 0xFF) &* 0x0100_0000_01b3  // separator: ("ab", "c") and ("a", "bc") must differ
        for byte in replica.baseURL.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3 }
        return splitMix64(hash)
    }

    private static func splitMix64(_ value: UInt64) -> UInt64 {
        var mixed = value &+ 0x9e37_79b9_7f4a_7c15
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }
}
