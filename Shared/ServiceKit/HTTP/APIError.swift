import Foundation
import HTTPTypes
import Hummingbird

/// The suite's one error vocabulary. Each case renders the JSON shape the API documents for it.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// The exact JSON body.
    public let body: [UInt8]
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, body: [UInt8], headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// `{"error":{"code":N,"message":"…"}}` — not found, bad request and the other protocol-level errors.
    public static func http(_ status: HTTPResponse.Status, _ message: String? = nil) -> APIError {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error")
        writer.beginObject()
        writer.key("code")
        writer.literal(String(status.code))
        writer.key("message")
        writer.string(message ?? status.reasonPhrase)
        writer.endObject()
        writer.endObject()
        return APIError(status: status, body: writer.bytes)
    }

    /// `404 {"error":{"code":404,"message":"Not Found"}}`.
    public static let notFound = http(.notFound)

    /// `400 {"error":{"code":400,"message":…}}`.
    public static func badRequest(_ message: String = "Bad Request") -> APIError { http(.badRequest, message) }

    /// A domain refusal as the spec shows them: `400 {"error":"Not enough points"}`.
    public static func domain(_ message: String, status: HTTPResponse.Status = .badRequest) -> APIError {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error")
        writer.string(message)
        writer.endObject()
        return APIError(status: status, body: writer.bytes)
    }

    /// `401 {"code":401,"message":…}` — missing, invalid or expired credentials.
    public static func unauthorized(_ message: String = "JWT Token not found") -> APIError {
        APIError(status: .unauthorized, body: codeAndMessage(401, message), headers: [.wwwAuthenticate: "Bearer"])
    }

    /// `401 {"message":"Authentication Required"}` — an unknown permanent token or master key.
    public static var authenticationRequired: APIError {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("message")
        writer.string("Authentication Required")
        writer.endObject()
        return APIError(status: .unauthorized, body: writer.bytes, headers: [.wwwAuthenticate: "Bearer"])
    }

    /// `403 {"error":{"code":403,"message":"Forbidden"}}` — valid credentials without the role, ACL access or tenant.
    public static func forbidden(_ message: String = "Forbidden") -> APIError {
        http(.forbidden, message)
    }

    /// `400` with the Symfony form envelope naming every field.
    public static func form(_ errors: FormErrors) -> APIError {
        APIError(status: .badRequest, body: errors.renderJSON())
    }

    /// `429` with `Retry-After`.
    public static func tooManyRequests(retryAfterSeconds: Int) -> APIError {
        var error = http(.tooManyRequests, "Too many requests, retry in \(retryAfterSeconds) seconds")
        error.headers[.retryAfter] = String(retryAfterSeconds)
        return error
    }

    /// `409 {"error":…}` for a request that conflicts with the current state.
    public static func conflict(_ message: String) -> APIError { domain(message, status: .conflict) }

    private static func codeAndMessage(_ code: Int, _ message: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("code")
        writer.literal(String(code))
        writer.key("message")
        writer.string(message)
        writer.endObject()
        return writer.bytes
    }

    public var description: String { "\(status.code) \(String(decoding: body, as: UTF8.self))" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
