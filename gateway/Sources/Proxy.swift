import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// What the proxy answered, and which replica answered (`nil` when none could be reached).
struct ProxyResult: Sendable {
    let response: Response
    let replica: Replica?
}

/// Forwards requests to a service's replicas over one shared HTTP client with pooled keep-alive connections.
/// Request and response bodies are streamed through, never buffered.
struct UpstreamProxy: Sendable {
    let client: HTTPClient

    /// The shared client: connect and read timeouts, no redirects followed, HTTP/1.1 to the services.
    static func makeClient(connectTimeout: Duration, readTimeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(connectTimeout), read: TimeAmount(readTimeout))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.httpVersion = .http1Only
        // By default a refused connection is retried (with backoff) against the same host until the connect
        // timeout; failing at once lets the proxy fail over to the next replica immediately.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Requests beyond this many concurrent ones per replica wait for a free connection.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Sends `request` to the first replica in rendezvous order for `affinityKey` that takes it.
    ///
    /// Another replica is tried only when repeating the request is harmless (see ``mayTryAnotherReplica``);
    /// otherwise a failure is answered with 502 (or 504 for a read timeout). With no replica left: 503 when none
    /// could be connected to, else the last failure's status.
    func forward(
        _ request: Request,
        to replicas: ReplicaSet,
        affinityKey: String,
        headers: HTTPHeaders,
        logger: Logger
    ) async -> ProxyResult {
        let body = Self.hasBody(request) ? ForwardedRequestBody(request.body) : nil
        var lastFailure: UpstreamFailure?
        for replica in replicas.failoverOrder(forKey: affinityKey) {
            let outbound = Self.upstreamRequest(request, to: replica, headers: headers, body: body)
            do {
                let response = try await client.execute(outbound, deadline: .distantFuture, logger: logger)
                return ProxyResult(response: Self.downstreamResponse(response, requestBody: body), replica: replica)
            } catch {
                let failure = UpstreamFailure(classifying: error)
                logger.warning(
                    "upstream attempt failed",
                    metadata: ["replica": "\(replica)", "failure": "\(failure)", "error": "\(error)"]
                )
                if failure == .notConnected {
                    replicas.markDown(replica)
                }
                guard Self.mayTryAnotherReplica(after: failure, method: request.method, body: body) else {
                    return ProxyResult(response: failure.gatewayError.response(abandoningUploadOf: body), replica: replica)
                }
                lastFailure = failure
            }
        }
        return ProxyResult(response: (lastFailure?.gatewayError ?? .serviceUnavailable).response, replica: nil)
    }

    /// Methods that have no side effects (RFC 9110 §9.2.1), so repeating them is harmless.
    private static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    /// Whether a failed attempt may be repeated on another replica without risking a duplicate effect:
    /// - the replica never got the request (no connection, or none free in time) and the body has not been
    ///   read: it can still be sent in full;
    /// - the connection was lost before any answer to a safe request without a body: typically a pooled
    ///   keep-alive connection the replica had just closed, and repeating a safe request is harmless anyway.
    private static func mayTryAnotherReplica(
        after failure: UpstreamFailure,
        method: HTTPRequest.Method,
        body: ForwardedRequestBody?
    ) -> Bool {
        switch failure {
        case .notConnected, .busy: body?.uploadStarted != true
        case .connectionLost: body == nil && safeMethods.contains(method)
        case .timedOut, .broken: false
        }
    }

    /// HTTP/1.1 requests carry a body only with a non-zero `Content-Length` or a `Transfer-Encoding`.
    private static func hasBody(_ request: Request) -> Bool {
        if request.headers[.transferEncoding] != nil { return true }
        return contentLength(of: request).map { $0 > 0 } ?? false
    }

    private static func contentLength(of request: Request) -> Int64? {
        request.headers[.contentLength].flatMap { Int64($0) }
    }

    /// Same method, path and query string, on `replica`.
    private static func upstreamRequest(
        _ request: Request,
        to replica: Replica,
        headers: HTTPHeaders,
        body: ForwardedRequestBody?
    ) -> HTTPClientRequest {
        var outbound = HTTPClientRequest(url: replica.baseURL + (request.head.path ?? "/"))
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        outbound.headers = headers
        if let body {
            let length = contentLength(of: request).map { HTTPClientRequest.Body.Length.known($0) } ?? .unknown
            outbound.body = .stream(body, length: length)
        }
        return outbound
    }

    private static func downstreamResponse(
        _ response: HTTPClientResponse,
        requestBody: ForwardedRequestBody?
    ) -> Response {
        Response(
            status: HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: ProxyHeaders.downstream(from: response.headers),
            body: responseBody(abandoningUploadOf: requestBody) { writer in
                try await writer.write(response.body)
                try await writer.finish(nil)
            }
        )
    }
}
