import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Identity, ACL and tenancy")
struct IdentityAndTenancyTests {
    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func storeScopedRoutesResolveTheTenant() async throws {
        try await TestService.run(ProbeService.definition) { client, runtime in
            try await client.execute(uri: "/api/DEFAULT/probe/whoami", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"store":"DEFAULT"}"#)
            }
            try await client.execute(uri: "/api/NOPE/probe/whoami", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body) == #"{"error":{"code":404,"message":"Not Found"}}"#)
            }
            try await runtime.pool.execute("INSERT INTO auth.stores (code, name) VALUES ('SHUT', 'Closed shop')")
            try await client.execute(uri: "/api/SHUT/probe/whoami", method: .get) { #expect($0.status == .ok) }
            try await runtime.pool.execute("UPDATE auth.stores SET active = false WHERE code = 'SHUT'")
            runtime.stores.invalidate()
            try await client.execute(uri: "/api/SHUT/probe/whoami", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func customersAndSellersStayInTheirStore() async throws {
        try await TestService.run(ProbeService.definition) { client, runtime in
            try await runtime.pool.execute("INSERT INTO auth.stores (code, name) VALUES ('B', 'Store B')")
            let customer = UUID()
            let token = try await TestTokens.token(.customer, userID: customer, store: "DEFAULT")
            try await client.execute(uri: "/api/DEFAULT/probe/whoami", method: .get, headers: bearer(token)) { response in
                #expect(String(buffer: response.body) == #"{"kind":"customer","store":"DEFAULT","user":"\#(customer.uuidString.lowercased())"}"#)
            }
            try await client.execute(uri: "/api/B/probe/whoami", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body) == #"{"error":{"code":403,"message":"Forbidden"}}"#)
            }
            let seller = try await TestTokens.token(.seller, store: "B")
            try await client.execute(uri: "/api/DEFAULT/probe/whoami", method: .get, headers: bearer(seller)) { #expect($0.status == .forbidden) }
            let admin = try await TestTokens.token(.admin)
            try await client.execute(uri: "/api/B/probe/whoami", method: .get, headers: bearer(admin)) { #expect($0.status == .ok) }
        }
    }

    @Test func forgedExpiredAndForeignTokensAreRefused() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            let cases: [(String, String)] = [
                (try await TestTokens.token(.admin, expiresIn: -10), #"{"code":401,"message":"Expired JWT Token"}"#),
                (try await TestTokens.signedByStranger(.admin), #"{"code":401,"message":"Invalid JWT Token"}"#),
                (try TestTokens.unsigned(.admin), #"{"code":401,"message":"Invalid JWT Token"}"#),
                (try TestTokens.hmacWithPublicKey(.admin), #"{"code":401,"message":"Invalid JWT Token"}"#),
                ("not.a.token", #"{"code":401,"message":"Invalid JWT Token"}"#),
            ]
            for (token, body) in cases {
                try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body) == body)
                }
            }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"code":401,"message":"JWT Token not found"}"#)
            }
        }
    }

    @Test func aclGrantsAreEnforcedOnAdminEndpoints() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            let viewer = try await TestTokens.token(.admin, userID: ProbeService.viewer)
            let modifier = try await TestTokens.token(.admin, userID: ProbeService.modifier)
            let nobody = try await TestTokens.token(.admin)
            let customer = try await TestTokens.token(.customer, store: "DEFAULT")
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get, headers: bearer(viewer)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .post, headers: bearer(viewer)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get, headers: bearer(modifier)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .post, headers: bearer(modifier)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get, headers: bearer(nobody)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get, headers: bearer(customer)) { #expect($0.status == .forbidden) }
        }
    }

    @Test func permanentTokensAndTheMasterKey() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .post, headers: [.authToken: ProbeService.permanentToken]) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/DEFAULT/probe/levels?auth_token=\(ProbeService.permanentToken)", method: .post) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .post, headers: [.authToken: TestKeys.masterKey]) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/DEFAULT/probe/levels", method: .get, headers: [.authToken: "guess"]) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"message":"Authentication Required"}"#)
            }
        }
    }

    @Test func merchantCredentialsAndSubscriberIDsChooseTheStore() async throws {
        try await TestService.run(ProbeService.definition) { client, runtime in
            let basic = "Basic " + Data("merchant-1:s3cret".utf8).base64EncodedString()
            try await client.execute(uri: "/enterprise/probe/whoami", method: .get, headers: [.authorization: basic]) { response in
                #expect(String(buffer: response.body) == #"{"kind":"merchant","store":"DEFAULT","user":"merchant-1"}"#)
            }
            let wrong = "Basic " + Data("merchant-1:guess".utf8).base64EncodedString()
            try await client.execute(uri: "/enterprise/probe/whoami", method: .get, headers: [.authorization: wrong]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/enterprise/probe/whoami", method: .get) { #expect($0.status == .unauthorized) }

            let id = try await runtime.pool.query("SELECT id FROM auth.stores WHERE code = 'DEFAULT'").scalar(UUID.self)
            try await client.execute(uri: "/v1/stores/\(id.uuidString.lowercased())/probe/whoami", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"store":"DEFAULT"}"#)
            }
            try await client.execute(uri: "/v1/stores/\(UUID())/probe/whoami", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/stores/not-a-uuid/probe/whoami", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
