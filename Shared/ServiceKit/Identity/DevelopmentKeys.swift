import Crypto
import _CryptoExtras

/// A fresh RSA key pair, for tests and for printing routes without configuration.
public struct DevelopmentKeys: Sendable {
    public let privateKeyPEM: String
    public let publicKeyPEM: String

    public static func make() -> DevelopmentKeys {
        // 2048 bits, as the deployment scripts generate.
        let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        return DevelopmentKeys(privateKeyPEM: key.pemRepresentation, publicKeyPEM: key.publicKey.pemRepresentation)
    }
}
