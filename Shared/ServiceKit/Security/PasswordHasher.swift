import Foundation
import HummingbirdBcrypt
import Synchronization

/// bcrypt password hashing, off the cooperative thread pool (a hash takes tens of milliseconds by design).
///
/// The cost (log2 rounds) comes from `BCRYPT_COST` (4…31, default 10); tests lower it with `cost = 4`.
public enum PasswordHasher {
    private static let currentCost = Atomic<Int>(environmentCost())

    /// The cost new hashes are made with. Existing hashes keep the cost they were made with.
    public static var cost: Int {
        get { currentCost.load(ordering: .relaxed) }
        set { currentCost.store(min(31, max(4, newValue)), ordering: .relaxed) }
    }

    /// A bcrypt hash of `password`.
    public static func hash(_ password: String) async -> String {
        let cost = UInt8(cost)
        return await offloaded { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. With no hash (unknown user, or a user without a password) it
    /// still spends the time of one hash, so response times do not reveal which accounts exist.
    public static func verify(_ password: String, against hash: String?) async -> Bool {
        guard let hash, hash.hasPrefix("$2") else {
            _ = await self.hash(password)
            return false
        }
        return await offloaded { Bcrypt.verify(password, hash: hash) }
    }

    private static func offloaded<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }

    private static func environmentCost() -> Int {
        guard let text = ProcessInfo.processInfo.environment["BCRYPT_COST"], let value = Int(text) else { return 10 }
        return min(31, max(4, value))
    }
}
