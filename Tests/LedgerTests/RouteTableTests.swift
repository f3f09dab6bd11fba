import Foundation
@testable import Ledger
import ServiceKit
import Testing

@Suite("Ledger route table")
struct RouteTableTests {
    /// Every endpoint `spec/endpoints.tsv` (the gateway's copy) gives to the ledger is routed by it.
    @Test func everyLedgerEndpointIsRouted() async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../gateway/Sources/endpoints.tsv")
        let rows = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let expected = rows.filter { $0.count >= 4 && $0[3] == "ledger" }.map { "\($0[1]) \(normalized($0[2]))" }
        #expect(expected.count == 62)
        let routed = Set(await ServiceMain.routeTable(LedgerService.definition).map(normalized))
        let missing = expected.filter { !routed.contains($0) }
        #expect(missing.isEmpty, "not routed: \(missing)")
    }

    /// `/api/{storeCode}/x/{id}` → `/api/{}/x/{}`, with a leading slash.
    private func normalized(_ line: String) -> String {
        var result = ""
        var inside = false
        for character in line {
            if character == "{" { inside = true; result += "{}" } else if character == "}" { inside = false } else if !inside { result.append(character) }
        }
        return result.replacingOccurrences(of: " api/", with: " /api/").replacingOccurrences(of: " v1/", with: " /v1/")
            .replacingOccurrences(of: " enterprise/", with: " /enterprise/")
    }
}
