import AsyncHTTPClient
import Foundation
import GatewayKit
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// A server a test started on a free loopback port; `stop()` shuts it down.
struct RunningServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops the server and waits until its port is closed.
    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// Runs the application `make` builds (it must report its port through the callback) until `stop()`.
func startServer<App: ApplicationProtocol>(
    _ make: (_ reportPort: @escaping @Sendable (Int) -> Void) async throws -> App
) async throws -> RunningServer {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let application = try await make { continuation.yield($0) }
    let task = Task {
        defer { continuation.finish() }
        try await application.run()
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await task.value
        throw TestSetupError(description: "server stopped before listening")
    }
    return RunningServer(port: port, task: task)
}

/// A logger that keeps test output readable (set `GATEWAY_TEST_LOG_LEVEL=debug` to see everything).
let testLogger: Logger = {
    var logger = Logger(label: "gateway-tests")
    logger.logLevel = ProcessInfo.processInfo.environment["GATEWAY_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
    return logger
}()

/// Starts a stand-in upstream replica named `name`: see ``EchoResponder``.
func startEchoUpstream(name: String) async throws -> RunningServer {
    try await startServer { reportPort in
        Application(
            responder: EchoResponder(name: name),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { reportPort($0.localAddress?.port ?? 0) },
            logger: testLogger
        )
    }
}

/// Answers every request with the request body streamed straight back, and describes what it received in
/// `x-echo-*` response headers: its own name, the method, the path with query, and the gateway-set headers
/// (every `x-tenant-*` one, `x-request-id`, `x-forwarded-*`), e.g. `x-echo-x-tenant-store-code`.
///
/// Query switches: `delay=<seconds>` waits before answering; `answer=<status>` answers at once with that status
/// and the body `early`, without reading the request body.
struct EchoResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// Reported besides every `x-tenant-*` header.
    static let reportedHeaders: Set<String> = [
        "x-request-id", "x-forwarded-for", "x-forwarded-host", "content-type", "content-length",
    ]

    let name: String

    func respond(to request: Request, context: Context) async throws -> Response {
        let query = request.uri.query ?? ""
        if let delay = query.split(separator: "&").first(where: { $0.hasPrefix("delay=") }) {
            try await Task.sleep(for: .seconds(Double(delay.dropFirst("delay=".count)) ?? 0))
        }
        if let status = query.split(separator: "&").first(where: { $0.hasPrefix("answer=") }) {
            // Answer at once, without reading the request body.
            let code = Int(status.dropFirst("answer=".count)) ?? 200
            return Response(status: .init(code: code), headers: [echo("replica"): name], body: .init(byteBuffer: ByteBuffer(string: "early")))
        }
        var headers: HTTPFields = [:]
        headers[echo("replica")] = name
        headers[echo("method")] = request.method.rawValue
        headers[echo("path")] = request.head.path
        for field in request.headers {
            let name = field.name.canonicalName
            if name.hasPrefix("x-tenant-") || Self.reportedHeaders.contains(name) {
                headers[echo(name)] = field.value
            }
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: request.body))
    }

    private func echo(_ name: String) -> HTTPField.Name {
        HTTPField.Name("x-echo-\(name)")!
    }
}

/// A TCP listener that accepts connections and closes them at once: an upstream that "broke".
struct HangingUpUpstream: Sendable {
    let port: Int
    private let channel: any Channel

    static func start() async throws -> HangingUpUpstream {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.close(promise: nil)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            throw TestSetupError(description: "listener has no port")
        }
        return HangingUpUpstream(port: port, channel: channel)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        try? await channel.close()
    }
}
