import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Postgres

/// Turns every error into the suite's JSON error shapes. Nothing leaves a service as an empty 500:
/// unknown errors are logged with the request id and answered `500 {"error":{"code":500,…,"requestId":…}}`.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceContext

    func handle(_ request: Request, context: ServiceContext, next: (Request, ServiceContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.response(for: error, request: request, context: context)
        }
    }

    static func response(for error: any Error, request: Request, context: ServiceContext) throws -> Response {
        try apiError(for: error, context: context).response(from: request, context: context)
    }

    /// Maps known errors to their documented shape; anything else is logged as a bug.
    static func apiError(for error: any Error, context: ServiceContext) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as FormErrors:
            return .form(error)
        case let error as InputError:
            if case .unsupportedMediaType = error { return .http(.unsupportedMediaType, error.message) }
            return .badRequest(error.message)
        case let error as HTTPError:
            return .http(error.status, error.body ?? error.status.reasonPhrase)
        case let error as PostgresError where error.kind == .connection || error.kind == .poolTimeout:
            context.logger.error("database unavailable: \(error)")
            return .http(.serviceUnavailable, "Service Unavailable")
        default:
            context.logger.error("unhandled error: \(String(reflecting: error))", metadata: ["request_id": .string(context.requestID)])
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("error")
            writer.beginObject()
            writer.key("code")
            writer.literal("500")
            writer.key("message")
            writer.string("Internal Server Error")
            writer.key("requestId")
            writer.string(context.requestID)
            writer.endObject()
            writer.endObject()
            return APIError(status: .internalServerError, body: writer.bytes)
        }
    }
}
