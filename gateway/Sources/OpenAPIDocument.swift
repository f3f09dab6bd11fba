import Foundation

/// The OpenAPI 3.0.3 description of every public endpoint, generated from the route table.
struct OpenAPIDocument: Encodable {
    let openapi = "3.0.3"
    let info = Info(title: "Loyalty Suite", version: "4.2.0")
    let tags: [Tag]
    /// Path template → lower-case method → operation.
    let paths: [String: [String: Operation]]

    struct Info: Encodable {
        let title: String
        let version: String
    }

    struct Tag: Encodable {
        let name: String
    }

    struct Operation: Encodable {
        let operationId: String
        let tags: [String]
        let parameters: [Parameter]
        let responses: [String: ResponseDescription]
    }

    struct Parameter: Encodable {
        let name: String
        let location = "path"
        let required = true
        let schema = Schema(type: "string")

        enum CodingKeys: String, CodingKey {
            case name, location = "in", required, schema
        }
    }

    struct Schema: Encodable {
        let type: String
    }

    struct ResponseDescription: Encodable {
        let description: String
    }

    init(routes: RouteTable) {
        var paths: [String: [String: Operation]] = [:]
        for route in routes.routes {
            paths[route.path, default: [:]][route.method.lowercased()] = Operation(
                operationId: route.id,
                tags: [route.service],
                parameters: route.parameterNames.map { Parameter(name: $0) },
                responses: ["default": ResponseDescription(description: "Response of the \(route.service) service")]
            )
        }
        self.paths = paths
        self.tags = Set(routes.routes.map(\.service)).sorted().map(Tag.init)
    }

    /// The document as JSON text.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
