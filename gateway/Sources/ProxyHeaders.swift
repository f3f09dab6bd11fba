import Foundation
import HTTPTypes
import NIOHTTP1

/// Header rewriting between the client side and the upstream side of the proxy.
enum ProxyHeaders {
    /// Headers that describe one connection, not the message (RFC 9110 §7.6.1); never forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
        "proxy-connection", "proxy-authenticate", "proxy-authorization",
    ]

    /// Headers the gateway sets itself on the upstream request, so client-supplied copies are dropped.
    /// (`host` and `content-length` are set by the HTTP client from the URL and the body.)
    private static let replacedUpstream: Set<String> = [
        "host", "content-length", "x-request-id", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    ]

    /// The client's headers minus hop-by-hop, gateway-owned and `X-Tenant-*` ones, plus `gatewayHeaders`.
    static func upstream(from fields: HTTPFields, adding gatewayHeaders: [(String, String)]) -> HTTPHeaders {
        let dropped = connectionListed(fields[values: .connection])
        var headers = HTTPHeaders()
        for field in fields {
            let name = field.name.canonicalName
            if hopByHop.contains(name) || name.hasPrefix("proxy-") || dropped.contains(name)
                || replacedUpstream.contains(name) || name.hasPrefix(TenantResolver.headerPrefix)
            {
                continue
            }
            headers.add(name: field.name.rawName, value: field.value)
        }
        for (name, value) in gatewayHeaders {
            headers.add(name: name, value: value)
        }
        return headers
    }

    /// The upstream's response headers minus hop-by-hop ones, as Hummingbird fields.
    static func downstream(from headers: HTTPHeaders) -> HTTPFields {
        let dropped = connectionListed(headers[canonicalForm: "connection"].map(String.init))
        var fields = HTTPFields()
        for (name, value) in headers {
            let lowercased = name.lowercased()
            guard !hopByHop.contains(lowercased), !lowercased.hasPrefix("proxy-"), !dropped.contains(lowercased),
                let fieldName = HTTPField.Name(name)
            else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    /// Header names a `Connection` header lists as hop-by-hop for this connection.
    private static func connectionListed(_ values: [String]) -> Set<String> {
        Set(
            values.flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        )
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let forwardedFor = Self("X-Forwarded-For")!
}
