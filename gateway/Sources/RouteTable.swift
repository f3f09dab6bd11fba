import Foundation

/// One public endpoint of the suite, as listed in `endpoints.tsv`.
public struct Route: Sendable, Hashable {
    /// Endpoint id from the catalog, e.g. `CMP-05`.
    public let id: String
    /// Upper-case HTTP method, e.g. `GET`.
    public let method: String
    /// Path template with `{name}` placeholders, e.g. `/api/{storeCode}/campaign`.
    public let path: String
    /// Owning service: one of the upstream services, or `gateway` for endpoints the gateway serves itself.
    public let service: String
    /// The template split into literal and parameter segments (empty segments dropped, so `/api/` ≡ `/api`).
    let segments: [RouteSegment]

    /// The `service` of the endpoints the gateway serves itself (`/openapi.json`, `/metrics`).
    public static let gatewayService = "gateway"

    /// Whether the gateway answers this endpoint itself instead of proxying it.
    public var isServedByGateway: Bool { service == Self.gatewayService }

    /// Names of the path parameters, in path order.
    public var parameterNames: [String] {
        segments.compactMap { segment in
            if case .parameter(let name) = segment { return name }
            return nil
        }
    }
}

/// One `/`-separated piece of a path template.
enum RouteSegment: Sendable, Hashable {
    case literal(String)
    case parameter(String)

    init(_ text: Substring) {
        if text.count > 2, text.hasPrefix("{"), text.hasSuffix("}") {
            self = .parameter(String(text.dropFirst().dropLast()))
        } else {
            self = .literal(String(text))
        }
    }
}

/// The route a request resolved to, with the values captured for the path parameters.
public struct RouteMatch: Sendable, Equatable {
    public let route: Route
    /// Captured path parameters, exactly as they appear in the request path (not percent-decoded).
    public let parameters: [String: String]

    /// Name of the owning service.
    public var service: String { route.service }
    /// Endpoint id, e.g. `CMP-05`.
    public var endpointID: String { route.id }
}

/// A problem in the endpoint table file.
public struct RouteTableError: Error, CustomStringConvertible {
    public let description: String
}

/// Every public endpoint of the suite, matched by method and path.
///
/// Matching walks a segment trie where literal segments win over parameters, backtracking into the parameter
/// branch when the literal branch dead-ends (no route for that path *and method*). A path that is not in the
/// table never matches, even when it starts like a known service's paths.
public struct RouteTable: Sendable {
    /// All routes, in file order.
    public let routes: [Route]
    private let trie: RouteTrie

    /// Parses the tab-separated table (`id, method, path, service, catalog`, one header line).
    public init(tsv: String) throws {
        routes = try Self.parse(tsv: tsv)
        trie = RouteTrie(routes: routes)
    }

    /// The table shipped with the gateway (`endpoints.tsv` in the module bundle).
    public static func bundled() throws -> RouteTable {
        guard let url = Bundle.module.url(forResource: "endpoints", withExtension: "tsv") else {
            throw RouteTableError(description: "endpoints.tsv is missing from the GatewayKit bundle")
        }
        return try RouteTable(tsv: String(contentsOf: url, encoding: .utf8))
    }

    /// Resolves a request; `nil` when no route has this path with this method.
    /// - Parameters:
    ///   - method: HTTP method (any case).
    ///   - path: request path without the query string.
    public func match(method: String, path: String) -> RouteMatch? {
        trie.match(method: method.uppercased(), segments: Self.segments(of: path))
    }

    /// Human-readable listing for `gateway --routes`: method, path and service, one route per line.
    public func listing() -> String {
        let methodWidth = routes.map(\.method.count).max() ?? 0
        let pathWidth = routes.map(\.path.count).max() ?? 0
        return routes.map { route in
            route.method.padding(toLength: methodWidth, withPad: " ", startingAt: 0) + "  "
                + route.path.padding(toLength: pathWidth, withPad: " ", startingAt: 0) + "  "
                + route.service
        }.joined(separator: "\n")
    }

    /// Splits a path into its non-empty segments.
    static func segments(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func parse(tsv: String) throws -> [Route] {
        var routes: [Route] = []
        for (index, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .newlines)
            if trimmed.allSatisfy(\.isWhitespace) || (index == 0 && trimmed.hasPrefix("id\t")) { continue }
            routes.append(try parseRoute(line: trimmed, lineNumber: index + 1))
        }
        return routes
    }

    private static func parseRoute(line: String, lineNumber: Int) throws -> Route {
        let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard columns.count >= 4, columns[2].hasPrefix("/"), !columns[0].isEmpty, !columns[3].isEmpty else {
            throw RouteTableError(description: "endpoints.tsv line \(lineNumber) is malformed: \(line)")
        }
        let path = columns[2]
        return Route(
            id: columns[0],
            method: columns[1].uppercased(),
            path: path,
            service: columns[3],
            segments: segments(of: path).map(RouteSegment.init)
        )
    }
}
