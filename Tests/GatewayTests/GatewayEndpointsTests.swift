import AsyncHTTPClient
import Foundation
import GatewayKit
import NIOHTTP1
import Testing

@Suite("The gateway's own endpoints")
struct GatewayEndpointsTests {
    @Test("/openapi.json is an OpenAPI 3.0.3 document listing every endpoint")
    func openAPI() async throws {
        try await withGateway { gateway in
            let response = try await gateway.send(.GET, "/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.0.3")
            let info = try #require(document["info"] as? [String: Any])
            #expect(info["title"] as? String == "Loyalty Suite")
            #expect(info["version"] as? String == "4.2.0")

            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            #expect(paths.count == Set(EndpointRow.all.map(\.path)).count)
            for row in EndpointRow.all {
                let operation = try #require(paths[row.path]?[row.method.lowercased()], "\(row)")
                #expect(operation["operationId"] as? String == row.id, "\(row)")
                #expect(operation["tags"] as? [String] == [row.service], "\(row)")
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                #expect(parameters.compactMap { $0["name"] as? String } == Self.placeholders(in: row.path), "\(row)")
                #expect(parameters.allSatisfy { $0["in"] as? String == "path" && $0["required"] as? Bool == true })
                #expect(operation["responses"] != nil, "\(row)")
            }
        }
    }

    @Test("/metrics is Prometheus text counting requests by service and status")
    func metrics() async throws {
        try await withGateway { gateway in
            for _ in 0..<3 { _ = try await gateway.send(.GET, "/api/DEMO/earningRule") }
            _ = try await gateway.send(.GET, "/nowhere")

            let response = try await gateway.send(.GET, "/metrics")
            #expect(response.status == 200)
            #expect(response.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            #expect(text.contains("# TYPE gateway_requests_total counter"))
            #expect(text.contains(#"gateway_requests_total{service="ledger",status="200"} 3"#))
            #expect(text.contains(#"gateway_requests_total{service="none",status="404"} 1"#))
            #expect(text.contains("# TYPE gateway_request_duration_seconds histogram"))
            #expect(text.contains(#"gateway_request_duration_seconds_count{service="ledger"} 3"#))
        }
    }

    static func placeholders(in path: String) -> [String] {
        path.matches(of: /\{([A-Za-z0-9_]+)\}/).map { String($0.output.1) }
    }
}
