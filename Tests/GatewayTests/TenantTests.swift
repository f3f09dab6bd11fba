import AsyncHTTPClient
import Foundation
import GatewayKit
import NIOHTTP1
import Testing

@Suite("Tenant headers and request ids")
struct TenantTests {
    @Test("the store code in /api/{storeCode}/… reaches the upstream")
    func storeCodePath() async throws {
        try await withGateway { gateway in
            let response = try await gateway.send(.GET, "/api/DEMO/campaign")
            #expect(response.replica == "campaigns-1")
            #expect(response.header("x-echo-x-tenant-store-code") == "DEMO")
            #expect(response.header("x-echo-x-tenant-subscriber-id") == nil)
            #expect(response.header("x-echo-x-tenant-merchant-user") == nil)
        }
    }

    @Test("the subscriber id in /v1/stores/{subscriberId}/… reaches the upstream")
    func subscriberIDPath() async throws {
        try await withGateway { gateway in
            let response = try await gateway.send(.GET, "/v1/stores/sub-42/loyalty/faq")
            #expect(response.replica == "customers-1")
            #expect(response.header("x-echo-x-tenant-subscriber-id") == "sub-42")
            #expect(response.header("x-echo-x-tenant-store-code") == nil)
        }
    }

    @Test("the HTTP Basic user on /enterprise/* is the merchant")
    func basicUserOnEnterprise() async throws {
        try await withGateway { gateway in
            let credentials = Data("merchant-9:secret-key".utf8).base64EncodedString()
            let response = try await gateway.send(
                .GET, "/enterprise/reviews", headers: [("Authorization", "Basic \(credentials)")]
            )
            #expect(response.replica == "reviews-1")
            #expect(response.header("x-echo-x-tenant-merchant-user") == "merchant-9")
            #expect(response.header("x-echo-x-tenant-store-code") == nil)
        }
    }

    @Test("the store claim of the Bearer JWT on /v1/loyalty/* is the store code")
    func jwtStoreClaimOnLoyalty() async throws {
        try await withGateway { gateway in
            let token = Self.unsignedJWT(claims: #"{"sub":"customer-1","store":"JWTSTORE"}"#)
            let response = try await gateway.send(
                .GET, "/v1/loyalty/customer_details", headers: [("Authorization", "Bearer \(token)")]
            )
            #expect(response.replica == "ledger-1")
            #expect(response.header("x-echo-x-tenant-store-code") == "JWTSTORE")
        }
    }

    @Test("missing or unusable credentials are forwarded without a tenant")
    func noCredentials() async throws {
        try await withGateway { gateway in
            let plain = try await gateway.send(.GET, "/v1/loyalty/customer_details")
            #expect(plain.status == 200)
            #expect(plain.header("x-echo-x-tenant-store-code") == nil)
            let garbage = try await gateway.send(
                .GET, "/enterprise/reviews", headers: [("Authorization", "Basic !!!not-base64")]
            )
            #expect(garbage.status == 200)
            #expect(garbage.header("x-echo-x-tenant-merchant-user") == nil)
        }
    }

    @Test("X-Tenant-* headers sent by clients are stripped")
    func spoofedTenantHeadersAreStripped() async throws {
        try await withGateway { gateway in
            let spoofed = [
                ("X-Tenant-Store-Code", "EVIL"), ("X-Tenant-Merchant-User", "evil"),
                ("X-Tenant-Subscriber-Id", "evil"), ("x-tenant-anything", "evil"),
            ]
            let scoped = try await gateway.send(.GET, "/api/DEMO/campaign", headers: spoofed)
            #expect(scoped.header("x-echo-x-tenant-store-code") == "DEMO")
            #expect(scoped.headers.first(name: "x-echo-x-tenant-merchant-user") == nil)
            #expect(scoped.headers.first(name: "x-echo-x-tenant-subscriber-id") == nil)
            #expect(scoped.headers.first(name: "x-echo-x-tenant-anything") == nil)

            let unscoped = try await gateway.send(.GET, "/api/healthcheck", headers: spoofed)
            #expect(unscoped.replica == "auth-1")
            #expect(!unscoped.headers.contains { $0.name.lowercased().hasPrefix("x-echo-x-tenant-") })
        }
    }

    @Test("X-Request-Id is generated when absent, passed through when present, and echoed")
    func requestIDs() async throws {
        try await withGateway { gateway in
            let generated = try await gateway.send(.GET, "/api/DEMO/campaign")
            let id = try #require(generated.header("x-request-id"))
            #expect(UUID(uuidString: id) != nil)
            #expect(generated.header("x-echo-x-request-id") == id, "the upstream saw the same id")

            let passed = try await gateway.send(.GET, "/api/DEMO/campaign", headers: [("X-Request-Id", "req-123")])
            #expect(passed.header("x-request-id") == "req-123")
            #expect(passed.header("x-echo-x-request-id") == "req-123")

            let notFound = try await gateway.send(.GET, "/nowhere", headers: [("X-Request-Id", "req-404")])
            #expect(notFound.header("x-request-id") == "req-404")
        }
    }

    @Test("X-Forwarded-For gets the client address appended")
    func forwardedFor() async throws {
        try await withGateway { gateway in
            let direct = try await gateway.send(.GET, "/api/healthcheck")
            #expect(direct.header("x-echo-x-forwarded-for") == "127.0.0.1")
            let chained = try await gateway.send(.GET, "/api/healthcheck", headers: [("X-Forwarded-For", "10.1.2.3")])
            #expect(chained.header("x-echo-x-forwarded-for") == "10.1.2.3, 127.0.0.1")
        }
    }

    /// A JWT with the given claims and a dummy signature: the gateway only decodes the payload.
    static func unsignedJWT(claims: String) -> String {
        func base64URL(_ text: String) -> String {
            Data(text.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        return base64URL(#"{"alg":"HS256","typ":"JWT"}"#) + "." + base64URL(claims) + ".c2lnbmF0dXJl"
    }
}
