import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What the gateway knows about a request besides the request itself.
struct GatewayRequestContext: InitializableFromSource {
    /// Logger for this request.
    let logger: Logger
    /// The client's IP address, for `X-Forwarded-For`.
    let remoteAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.logger = source.logger
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// Answers every request: routes it, then either serves it (gateway endpoints, 404) or proxies it to the
/// owning service with the tenant headers set. Every path is data-driven, hence a responder, not a Router.
struct GatewayResponder: HTTPResponder {
    typealias Context = GatewayRequestContext

    let routes: RouteTable
    let upstreams: Upstreams
    let proxy: UpstreamProxy
    let metrics: GatewayMetrics
    let openAPIJSON: String

    /// How one request was handled, for the access log and the metrics.
    private struct Outcome {
        var service = "none"
        var endpointID: String?
        var tenant: Tenant?
        var replica: Replica?
        var response: Response
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = RequestIdentifier.reuseOrGenerate(from: request.headers)
        var logger = context.logger
        logger[metadataKey: "hb.request.id"] = nil
        logger[metadataKey: "request_id"] = .string(requestID)

        var outcome = await handle(request, requestID: requestID, context: context, logger: logger)
        outcome.response.headers[.requestID] = requestID

        let elapsed = ContinuousClock.now - started
        metrics.record(service: outcome.service, status: outcome.response.status.code, duration: elapsed)
        logAccess(request, outcome: outcome, elapsed: elapsed, logger: logger)
        return outcome.response
    }

    private func handle(_ request: Request, requestID: String, context: Context, logger: Logger) async -> Outcome {
        let path = String((request.head.path ?? "/").prefix { $0 != "?" })
        guard let match = routes.match(method: request.method.rawValue, path: path) else {
            return Outcome(response: GatewayError.notFound.response)
        }
        if match.route.isServedByGateway {
            return Outcome(service: match.service, endpointID: match.endpointID, response: localResponse(for: match))
        }
        return await forward(request, match: match, requestID: requestID, context: context, logger: logger)
    }

    private func forward(
        _ request: Request,
        match: RouteMatch,
        requestID: String,
        context: Context,
        logger: Logger
    ) async -> Outcome {
        guard let replicas = upstreams.replicaSets[match.service] else {
            // Unreachable: the application refuses to start when a routed service has no upstream.
            return Outcome(service: match.service, response: GatewayError.serviceUnavailable.response)
        }
        let tenant = TenantResolver.resolve(match, authorization: request.headers[.authorization])
        var attemptLogger = logger
        attemptLogger[metadataKey: "endpoint"] = .string(match.endpointID)
        let result = await proxy.forward(
            request,
            to: replicas,
            affinityKey: tenant?.key ?? requestID,
            headers: ProxyHeaders.upstream(
                from: request.headers,
                adding: gatewayHeaders(request, tenant: tenant, requestID: requestID, context: context)
            ),
            logger: attemptLogger
        )
        return Outcome(
            service: match.service,
            endpointID: match.endpointID,
            tenant: tenant,
            replica: result.replica,
            response: result.response
        )
    }

    /// The headers only the gateway may set upstream.
    private func gatewayHeaders(
        _ request: Request,
        tenant: Tenant?,
        requestID: String,
        context: Context
    ) -> [(String, String)] {
        var headers = [("X-Request-Id", requestID), ("X-Forwarded-Proto", "http")]
        let forwardedFor = request.headers[values: .forwardedFor] + (context.remoteAddress.map { [$0] } ?? [])
        if !forwardedFor.isEmpty {
            headers.append(("X-Forwarded-For", forwardedFor.joined(separator: ", ")))
        }
        if let authority = request.head.authority {
            headers.append(("X-Forwarded-Host", authority))
        }
        if let tenant {
            headers.append((tenant.kind.headerName, tenant.key))
        }
        return headers
    }

    /// The endpoints the gateway serves itself.
    private func localResponse(for match: RouteMatch) -> Response {
        switch match.route.path {
        case "/openapi.json":
            return jsonResponse(status: .ok, body: openAPIJSON)
        case "/metrics":
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition()))
            )
        default:
            return GatewayError.notFound.response
        }
    }

    private func logAccess(_ request: Request, outcome: Outcome, elapsed: Duration, logger: Logger) {
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.head.path ?? "/"),
            "status": .stringConvertible(outcome.response.status.code),
            "service": .string(outcome.service),
            "elapsed_ms": .stringConvertible(elapsed.milliseconds),
        ]
        metadata["endpoint"] = outcome.endpointID.map { .string($0) }
        metadata["tenant"] = outcome.tenant.map { .string($0.key) }
        metadata["replica"] = outcome.replica.map { .string($0.baseURL) }
        logger.info("request handled", metadata: metadata)
    }
}

/// The `X-Request-Id` that follows a request through the suite.
enum RequestIdentifier {
    /// The client's id when it sent a usable one (1–128 visible ASCII characters), else a new UUID.
    static func reuseOrGenerate(from headers: HTTPFields) -> String {
        if let incoming = headers[.requestID], isUsable(incoming) {
            return incoming
        }
        return UUID().uuidString
    }

    private static func isUsable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds, for logs.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
