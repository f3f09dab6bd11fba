import Metrics
import Prometheus

/// Request counts and latencies, recorded into the Prometheus registry that `GET /metrics` renders.
///
/// Metrics go through a factory bound to that registry rather than the global `MetricsSystem`, so tests can
/// use a private registry and only the executable bootstraps the global system.
struct GatewayMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Counts one request for `service` (`gateway` for its own endpoints, `none` when unrouted) and records how
    /// long the gateway took to produce the response head.
    func record(service: String, status: Int, duration: Duration) {
        Counter(
            label: "gateway_requests_total",
            dimensions: [("service", service), ("status", String(status))],
            factory: factory
        ).increment()
        let (seconds, attoseconds) = duration.components
        Timer(label: "gateway_request_duration_seconds", dimensions: [("service", service)], factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The Prometheus text exposition of every metric in the registry.
    func exposition() -> String {
        registry.emitToString()
    }
}
