import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Builds the gateway: route table, replica sets, proxy and the gateway's own endpoints, as a Hummingbird
/// application. Run it with `runService()` (graceful shutdown on SIGTERM/SIGINT) or inside a `ServiceGroup`;
/// when it stops, the shared HTTP client is shut down after the server has finished its requests.
///
/// - Parameters:
///   - configuration: listen address, upstreams and timeouts (use port 0 for a free port).
///   - registry: where request metrics are kept and `GET /metrics` reads them from.
///   - logger: logger for the server and the per-request access log.
///   - onListening: called with the bound port once the server accepts connections.
public func buildGatewayApplication(
    configuration: GatewayConfiguration,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    logger: Logger = Logger(label: "gateway"),
    onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let routes = try RouteTable.bundled()
    try checkUpstreamsCover(routes, configuration: configuration)
    let upstreams = await Upstreams(
        specs: configuration.upstreams,
        replicaDownDuration: configuration.replicaDownDuration,
        dnsRefreshInterval: configuration.dnsRefreshInterval,
        logger: logger
    )
    let openAPIJSON = try OpenAPIDocument(routes: routes).json()
    // Created last: once it exists it must be shut down, which the application's services take care of.
    let client = UpstreamProxy.makeClient(
        connectTimeout: configuration.connectTimeout,
        readTimeout: configuration.upstreamTimeout
    )
    let responder = GatewayResponder(
        routes: routes,
        upstreams: upstreams,
        proxy: UpstreamProxy(client: client),
        metrics: GatewayMetrics(registry: registry),
        openAPIJSON: openAPIJSON
    )
    return Application(
        responder: responder,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
        services: upstreams.refreshers + [HTTPClientShutdown(client: client)],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("gateway listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
            await onListening(port)
        },
        logger: logger
    )
}

/// A routed service without upstream configuration would fail every request: refuse to start instead.
private func checkUpstreamsCover(_ routes: RouteTable, configuration: GatewayConfiguration) throws {
    let configured = Set(configuration.upstreams.keys.map(\.rawValue))
    let unserved = Set(routes.routes.map(\.service)).subtracting(configured).subtracting([Route.gatewayService])
    guard unserved.isEmpty else {
        throw ConfigurationError(problems: unserved.sorted().map { "no upstream configured for service \($0)" })
    }
}

/// Keeps the shared HTTP client open while the application runs and shuts it down afterwards. Services shut
/// down in reverse order, so this runs after the HTTP server has drained its in-flight requests.
private struct HTTPClientShutdown: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()  // returns on graceful shutdown, throws on cancellation: shut down either way
        try await client.shutdown()
    }
}
