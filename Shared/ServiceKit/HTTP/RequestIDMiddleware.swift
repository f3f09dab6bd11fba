import Foundation
import Postgres
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id — the gateway's `X-Request-Id`, else a new UUID — puts it in the log metadata,
/// hands the service's runtime to the context, and echoes the id on the response.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let runtime: ServiceRuntime

    func handle(_ request: Request, context: ServiceContext, next: (Request, ServiceContext) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID].flatMap { $0.count <= 200 ? $0 : nil }
        context.requestID = incoming ?? UUID().uuidString.lowercased()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        context.runtimeReference = runtime
        context.bodyLimit = runtime.configuration.bodyLimit
        if let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").first {
            context.clientAddress = forwarded.trimmedSpaces
        }
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }
}

/// One log line per request: method, path, status, duration, request id (in the metadata).
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let hundredths = elapsed.components.seconds * 100_000 + elapsed.components.attoseconds / 10_000_000_000_000
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: ["duration_ms": .string("\(hundredths / 100).\(String(hundredths % 100 + 100).dropFirst())")]
        )
        return response
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    public static let requestID = HTTPField.Name("X-Request-Id")!
    /// `X-Forwarded-For`.
    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// `X-AUTH-TOKEN`: the permanent token of an external admin, or the master key.
    public static let authToken = HTTPField.Name("X-AUTH-TOKEN")!
    /// `Idempotency-Key`.
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
