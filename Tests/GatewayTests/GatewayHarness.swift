import AsyncHTTPClient
import Foundation
import GatewayKit
import NIOCore
import NIOHTTP1

/// A gateway on a free port in front of stand-in upstream replicas (``EchoResponder``) for every service.
struct GatewayHarness: Sendable {
    let gateway: RunningServer
    /// Running replicas per service; replica `i` (from 1) of `ledger` answers as `ledger-i`.
    let replicas: [UpstreamService: [RunningServer]]
    let configuration: GatewayConfiguration

    var baseURL: String { gateway.baseURL }

    /// Starts `replicaCounts[service] ?? 1` echo replicas per service, then the gateway in front of them.
    /// - Parameter configure: adjusts the configuration (timeouts, upstream overrides) before the gateway starts.
    static func start(
        replicaCounts: [UpstreamService: Int] = [:],
        configure: (inout GatewayConfiguration) async throws -> Void = { _ in }
    ) async throws -> GatewayHarness {
        var replicas: [UpstreamService: [RunningServer]] = [:]
        for service in UpstreamService.allCases {
            for index in 1...(replicaCounts[service] ?? 1) {
                replicas[service, default: []].append(try await startEchoUpstream(name: "\(service.rawValue)-\(index)"))
            }
        }
        var configuration = GatewayConfiguration(
            host: "127.0.0.1",
            port: 0,
            upstreams: replicas.mapValues { servers in .list(servers.map { Replica(baseURL: $0.baseURL) }) },
            connectTimeout: .seconds(1),
            upstreamTimeout: .seconds(10)
        )
        try await configure(&configuration)
        let settled = configuration
        let gateway = try await startServer { reportPort in
            try await buildGatewayApplication(configuration: settled, logger: testLogger) { reportPort($0) }
        }
        return GatewayHarness(gateway: gateway, replicas: replicas, configuration: settled)
    }

    /// Stops the gateway and every replica.
    func stop() async {
        await gateway.stop()
        for servers in replicas.values {
            for server in servers { await server.stop() }
        }
    }

    /// The running replica named `name` (`ledger-2`).
    func replica(named name: String) -> RunningServer? {
        let parts = name.split(separator: "-")
        guard parts.count == 2, let service = UpstreamService(rawValue: String(parts[0])), let index = Int(parts[1]),
            let servers = replicas[service], servers.indices.contains(index - 1)
        else { return nil }
        return servers[index - 1]
    }

    /// Sends one request through the gateway and collects the whole response.
    func send(
        _ method: HTTPMethod = .GET,
        _ path: String,
        headers: [(String, String)] = [],
        body: HTTPClientRequest.Body? = nil
    ) async throws -> CollectedResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers = HTTPHeaders(headers)
        request.body = body
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return CollectedResponse(
            status: Int(response.status.code),
            headers: response.headers,
            body: try await response.body.collect(upTo: 64 * 1024 * 1024)
        )
    }
}

/// Runs `body` against a fresh harness and always stops it afterwards.
func withGateway<Result>(
    replicaCounts: [UpstreamService: Int] = [:],
    configure: (inout GatewayConfiguration) async throws -> Void = { _ in },
    _ body: (GatewayHarness) async throws -> Result
) async throws -> Result {
    let harness = try await GatewayHarness.start(replicaCounts: replicaCounts, configure: configure)
    do {
        let result = try await body(harness)
        await harness.stop()
        return result
    } catch {
        await harness.stop()
        throw error
    }
}

/// A response with its body read completely.
struct CollectedResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: ByteBuffer

    var text: String { String(buffer: body) }

    /// The first value of `name`, if present.
    func header(_ name: String) -> String? {
        headers.first(name: name)
    }

    /// Which echo replica answered (`ledger-2`).
    var replica: String? { header("x-echo-replica") }
}
