import Foundation

/// The rows of `gateway/Sources/endpoints.tsv`, read straight from the source tree (independently of the
/// gateway's own parser) so the tests check the gateway against the file itself.
struct EndpointRow: Sendable, CustomStringConvertible {
    let id: String
    let method: String
    let path: String
    let service: String

    var description: String { "\(id) \(method) \(path)" }

    /// `path` with every `{placeholder}` replaced by a sample value that is not a literal segment anywhere.
    var samplePath: String {
        path.replacing(/\{([A-Za-z0-9_]+)\}/) { match in
            switch match.output.1 {
            case "storeCode": "DEMO"
            case "subscriberId": "sub-42"
            default: "\(match.output.1)-7"
            }
        }
    }

    static let all: [EndpointRow] = {
        let fileURL = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // GatewayTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("gateway/Sources/endpoints.tsv")
        guard let text = try? String(contentsOf: fileURL, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 4 else { return nil }
            return EndpointRow(id: columns[0], method: columns[1], path: columns[2], service: columns[3])
        }
    }()
}
