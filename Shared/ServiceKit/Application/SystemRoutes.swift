import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import Prometheus
import Synchronization

/// `GET /api/` (name and version), `GET /api/healthcheck` and `GET /metrics`, on every service.
enum SystemRoutes {
    static let version = "4.2.0"

    static func add(to router: Router<ServiceContext>, runtime: ServiceRuntime) {
        router.get("api") { _, _ in try Response.json(["name": "OpenLoyalty", "version": version]) }
        router.get("api/healthcheck") { _, _ in await healthcheck(runtime) }
        router.get("metrics") { _, _ in
            var buffer: [UInt8] = []
            runtime.metrics.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }

    struct ComponentStatus: Encodable {
        let name: String
        let status: String
        let message: String?
    }

    /// 204 when PostgreSQL answers within two seconds, else 503 with every component's status.
    static func healthcheck(_ runtime: ServiceRuntime) async -> Response {
        let problem = await databaseProblem(runtime)
        guard let problem else { return .noContent }
        let body = [ComponentStatus(name: "PostgreSQL", status: "Problem", message: problem)]
        return (try? Response.json(body, status: .serviceUnavailable)) ?? Response(status: .serviceUnavailable)
    }

    /// Races a ping against a two-second timer without waiting for a ping stuck in a blocking connect.
    private static func databaseProblem(_ runtime: ServiceRuntime) async -> String? {
        await withCheckedContinuation { continuation in
            let answered = Mutex(false)
            let answer: @Sendable (String?) -> Void = { problem in
                let first = answered.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: problem) }
            }
            Task {
                do {
                    try await runtime.pool.ping()
                    answer(nil)
                } catch {
                    answer("\(error)")
                }
            }
            Task {
                try? await Task.sleep(for: .seconds(2))
                answer("no answer within 2 seconds")
            }
        }
    }
}
