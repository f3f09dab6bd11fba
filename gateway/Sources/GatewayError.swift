import Hummingbird
import HTTPTypes
import NIOCore

/// The errors the gateway answers itself, always as `{"error":{"code":…,"message":…}}` JSON.
enum GatewayError: Sendable, Equatable {
    /// No route for this method and path.
    case notFound
    /// An upstream accepted the connection but then broke (reset, closed, malformed response).
    case badGateway
    /// No replica of the service could be connected to.
    case serviceUnavailable
    /// The upstream did not answer within the read timeout.
    case gatewayTimeout

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .badGateway: .badGateway
        case .serviceUnavailable: .serviceUnavailable
        case .gatewayTimeout: .gatewayTimeout
        }
    }

    /// The JSON body, e.g. `{"error":{"code":404,"message":"Not Found"}}`.
    var jsonBody: String {
        #"{"error":{"code":\#(status.code),"message":"\#(status.reasonPhrase)"}}"#
    }

    /// The complete response.
    var response: Response {
        jsonResponse(status: status, body: jsonBody)
    }

    /// The response, winding down the upload of `requestBody` once it is written.
    func response(abandoningUploadOf requestBody: ForwardedRequestBody?) -> Response {
        let json = ByteBuffer(string: jsonBody)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: responseBody(abandoningUploadOf: requestBody, contentLength: json.readableBytes) { writer in
                try await writer.write(json)
                try await writer.finish(nil)
            }
        )
    }
}

/// A response with a JSON body and an exact `Content-Length`.
func jsonResponse(status: HTTPResponse.Status, body: String) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: body))
    )
}
