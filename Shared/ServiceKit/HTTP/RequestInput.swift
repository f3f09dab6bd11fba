import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension IdentifiedContext {
    /// The request body as one nested value, whatever its encoding (JSON, Symfony bracket form, multipart).
    /// Bodies over the service's limit get 413; malformed ones 400; other media types 415.
    public func input(from request: Request) async throws -> FormValue {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError.http(.contentTooLarge, "Request body is larger than \(maxUploadSize) bytes")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.http(.contentTooLarge, "Request body is larger than \(maxUploadSize) bytes")
        }
        return try FormValue.decode(body: Array(buffer.readableBytesView), contentType: request.headers[.contentType])
    }

    /// The body merged over the query string: for fields the documentation lets clients send either way.
    public func inputIncludingQuery(from request: Request) async throws -> FormValue {
        try queryInput(of: request).merging(try await input(from: request))
    }

    /// The query string as one nested value (`search[phone]=…` nests like a form).
    public func queryInput(of request: Request) throws -> FormValue {
        try FormValue.parseURLEncoded(Array((request.uri.query ?? "").utf8))
    }
}

extension Response {
    /// A JSON response from any `Encodable` value, with the suite's encoder (sorted keys).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONCoding.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// A JSON response from bytes already encoded.
    public static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `204 No Content`.
    public static var noContent: Response { Response(status: .noContent) }
}
