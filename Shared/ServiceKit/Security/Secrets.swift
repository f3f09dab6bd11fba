import Crypto
import Foundation

/// Random secrets (tokens, keys) and their one-way digests, for credentials that are stored hashed.
public enum Secrets {
    /// A URL-safe random token of `bytes` random bytes (base64url without padding; 32 bytes → 43 characters).
    public static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Lowercase hex of `bytes` random bytes.
    public static func randomHex(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// The SHA-256 digest of a secret as lowercase hex: what is stored for tokens and API keys, which are
    /// random and long enough that a fast digest is safe (passwords use bcrypt instead).
    public static func sha256Hex(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
