import ServiceLifecycle

/// A long-running loop started and stopped with the server (a `ServiceDefinition.workers` entry), for
/// libraries that should not depend on swift-service-lifecycle themselves:
///
///     workers: { runtime in [BackgroundTask("credential cache") { await cache.follow(runtime.listener) }] }
///
/// The body is cancelled on graceful shutdown.
public struct BackgroundTask: Service {
    public let name: String
    private let body: @Sendable () async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await body()
        }
    }
}
