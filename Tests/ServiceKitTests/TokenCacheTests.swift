import Foundation
import ServiceKit
import TestSupport
import Testing

/// A verified token is remembered (its signature is not checked again), but its expiry still is, and only
/// the very same token text matches.
@Suite("Verified-token cache")
struct TokenCacheTests {
    @Test func aRememberedTokenStillExpiresAndOnlyTheSameTextMatches() async throws {
        let verifier = try await TokenVerifier(publicKeyPEM: TestKeys.suite.publicKeyPEM)
        let admin = UUID()
        let token = try await TestTokens.token(.admin, userID: admin, expiresIn: 1.5)
        #expect(try await verifier.identity(fromBearer: token).userID == admin)
        #expect(try await verifier.identity(fromBearer: token).userID == admin)

        // One character of the signature changed: a different text, verified afresh, refused.
        var tampered = Array(token)
        tampered[tampered.count - 5] = tampered[tampered.count - 5] == "A" ? "B" : "A"
        #expect(await refusal(String(tampered)) == #"{"code":401,"message":"Invalid JWT Token"}"#)

        // The remembered token expires like any other (the wait is the token's own lifetime).
        try await Task.sleep(for: .seconds(2))
        #expect(await refusal(token) == #"{"code":401,"message":"Expired JWT Token"}"#)

        func refusal(_ token: String) async -> String? {
            do {
                _ = try await verifier.identity(fromBearer: token)
                return nil
            } catch let error as APIError {
                return String(decoding: error.body, as: UTF8.self)
            } catch {
                return "\(error)"
            }
        }
    }
}
