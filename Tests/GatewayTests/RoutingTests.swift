import AsyncHTTPClient
import GatewayKit
import NIOHTTP1
import Testing

@Suite("Routing through the gateway")
struct RoutingTests {
    static let notFoundBody = #"{"error":{"code":404,"message":"Not Found"}}"#

    @Test("every endpoint in endpoints.tsv reaches its owning service")
    func everyEndpointReachesItsService() async throws {
        try await withGateway { gateway in
            for row in EndpointRow.all where row.service != "gateway" {
                let response = try await gateway.send(HTTPMethod(rawValue: row.method), row.samplePath + "?probe=1")
                #expect(response.status == 200, "\(row)")
                #expect(response.replica == "\(row.service)-1", "\(row)")
                #expect(response.header("x-echo-method") == row.method, "\(row)")
                #expect(response.header("x-echo-path") == row.samplePath + "?probe=1", "path and query unchanged: \(row)")
            }
        }
    }

    @Test("the gateway's own endpoints are served by the gateway")
    func gatewayEndpoints() async throws {
        try await withGateway { gateway in
            for row in EndpointRow.all where row.service == "gateway" {
                let response = try await gateway.send(HTTPMethod(rawValue: row.method), row.path)
                #expect(response.status == 200, "\(row)")
                #expect(response.replica == nil, "\(row)")
            }
        }
    }

    @Test("literal segments win over parameters end to end")
    func literalOverParameter() async throws {
        try await withGateway { gateway in
            let admin = try await gateway.send(.GET, "/api/admin/data/42")
            #expect(admin.replica == "auth-1")
            #expect(admin.header("x-echo-x-tenant-store-code") == nil)

            let customers = try await gateway.send(.GET, "/api/FOO/admin/customer")
            #expect(customers.replica == "customers-1")
            #expect(customers.header("x-echo-x-tenant-store-code") == "FOO")

            let sellerPOS = try await gateway.send(.GET, "/api/DEMO/seller/pos")
            #expect(sellerPOS.replica == "customers-1")

            for path in ["/api", "/api/"] {
                let root = try await gateway.send(.GET, path)
                #expect(root.replica == "auth-1", "\(path)")
            }
        }
    }

    @Test("unknown paths and unknown methods get the gateway's JSON 404")
    func unknownPaths() async throws {
        try await withGateway { gateway in
            let probes: [(HTTPMethod, String)] = [
                (.GET, "/"), (.GET, "/nothing"), (.GET, "/api/DEMO/nonexistent"), (.POST, "/api/DEMO/campaign/1/2/3"),
                (.GET, "/enterprise/unknown"), (.GET, "/v1/stores/sub-1/loyalty/unknown"), (.GET, "/v1/loyalty/x"),
                (.DELETE, "/api/healthcheck"), (.PATCH, "/api/DEMO/campaign"),
            ]
            for (method, path) in probes {
                let response = try await gateway.send(method, path)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.text == Self.notFoundBody, "\(method) \(path)")
                #expect(response.header("content-type") == "application/json", "\(method) \(path)")
                #expect(response.replica == nil, "answered by the gateway itself: \(method) \(path)")
                #expect(response.header("x-request-id") != nil, "\(method) \(path)")
            }
        }
    }
}
