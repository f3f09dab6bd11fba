import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// A tiny service of the suite that uses the auth library's credentials, as every service does.
enum MerchantProbe {
    struct WhoAmI: Encodable {
        let store: String
        let user: String?
    }

    static let definition = ServiceDefinition(
        name: "merchant-probe", defaultPort: 0, migrations: AuthService.migrations,
        credentials: AuthService.credentials,
        routes: { router, _ in
            router.merchantGroup().get("whoami") { _, context in
                try Response.json(WhoAmI(store: context.store.code, user: context.identity?.merchantUser))
            }
        },
        workers: { runtime in AuthService.credentialWorkers(runtime) }
    )
}

@Suite("Merchant API credentials (X-03…05)")
struct MerchantCredentialTests {
    @Test func credentialsAreCreatedOnceListedWithoutKeysAndRevoked() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let store = try await api.storeID("DEFAULT").uuidString.lowercased()
            let created = try await api.send(.post, "/api/store/\(store)/api_credentials", token: token, json: #"{"name":"ERP"}"#)
            #expect(created.status == .ok)
            let body = try created.object()
            let userID = try #require(body["userId"] as? String), apiKey = try #require(body["apiKey"] as? String)
            #expect(body["storeId"] as? String == store)
            #expect(body["name"] as? String == "ERP")
            #expect(apiKey.count == 43)
            let digest = try await api.pool.query("SELECT api_key_hash FROM auth.merchant_credentials WHERE user_id = \(userID)").scalar(String.self)
            #expect(digest == Secrets.sha256Hex(apiKey))

            let list = try await api.send(.get, "/api/store/\(store)/api_credentials", token: token)
            let createdAt = try #require(body["createdAt"] as? String)
            #expect(list.text == #"{"apiCredentials":[{"createdAt":"\#(createdAt)","name":"ERP","storeId":"\#(store)","userId":"\#(userID)"}],"total":1}"#)
            #expect(!list.text.contains(apiKey))

            let identity = try await api.runtime.credentials.merchant(userID: userID, apiKey: apiKey)
            #expect(identity == Identity(kind: .merchant, storeID: try await api.storeID("DEFAULT"), merchantUser: userID))
            #expect(try await api.runtime.credentials.merchant(userID: userID, apiKey: "wrong") == nil)

            let revoke = try await api.send(.delete, "/api/store/\(store)/api_credentials/\(userID)", token: token)
            #expect(revoke.status == .noContent)
            #expect(try await api.runtime.credentials.merchant(userID: userID, apiKey: apiKey) == nil)
            #expect(try await api.send(.get, "/api/store/\(store)/api_credentials", token: token).text == #"{"apiCredentials":[],"total":0}"#)
            #expect(try await api.send(.delete, "/api/store/\(store)/api_credentials/\(userID)", token: token).status == .notFound)
            #expect(try await api.send(.get, "/api/store/\(UUID())/api_credentials", token: token).status == .notFound)
            let audit = try await api.pool.query("SELECT event_type FROM auth.audit_log WHERE entity_id = \(userID) ORDER BY created_at").map { try $0.decode(String.self, "event_type") }
            #expect(audit == ["CreateApiCredentials", "RevokeApiCredentials"])
        }
    }

    @Test func anotherServiceVerifiesBasicAuthAndSeesTheRevocationWithinSeconds() async throws {
        let database = try await TestDatabase.fresh()
        try await AuthAPI.run(database: database) { api in
            let store = try await api.storeID("DEFAULT").uuidString.lowercased()
            let body = try await api.asMaster(.post, "/api/store/\(store)/api_credentials").object()
            let userID = try #require(body["userId"] as? String), apiKey = try #require(body["apiKey"] as? String)
            let basic = "Basic " + Data("\(userID):\(apiKey)".utf8).base64EncodedString()

            try await TestService.run(MerchantProbe.definition, database: database) { client, _ in
                try await client.execute(uri: "/enterprise/whoami", method: .get, headers: [.authorization: basic]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"store":"DEFAULT","user":"\#(userID)"}"#)
                }
                let wrong = "Basic " + Data("\(userID):guess".utf8).base64EncodedString()
                try await client.execute(uri: "/enterprise/whoami", method: .get, headers: [.authorization: wrong]) { response in
                    #expect(response.status == .unauthorized)
                }
                #expect(try await api.asMaster(.delete, "/api/store/\(store)/api_credentials/\(userID)").status == .noContent)
                let deadline = ContinuousClock.now + .seconds(5)
                var status = HTTPResponse.Status.ok
                while status == .ok, ContinuousClock.now < deadline {
                    status = try await client.execute(uri: "/enterprise/whoami", method: .get, headers: [.authorization: basic]) { $0.status }
                    if status == .ok { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(status == .unauthorized, "revoked credentials must stop working within seconds")
            }
        }
        try await TestDatabase.drop(database)
    }
}
