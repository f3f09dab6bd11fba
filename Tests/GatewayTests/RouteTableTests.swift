import GatewayKit
import Testing

@Suite("Route table")
struct RouteTableTests {
    let table: RouteTable

    init() throws {
        table = try RouteTable.bundled()
    }

    @Test("every row of endpoints.tsv resolves to itself")
    func everyRowResolvesToItself() throws {
        #expect(EndpointRow.all.count == 274, "every catalogued endpoint plus the seller login")
        #expect(table.routes.count == EndpointRow.all.count)
        for row in EndpointRow.all {
            let match = try #require(table.match(method: row.method, path: row.samplePath), "\(row)")
            #expect(match.endpointID == row.id, "\(row)")
            #expect(match.service == row.service, "\(row)")
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let method: String
        let path: String
        let endpoint: String
        let service: String
        let parameters: [String: String]

        var testDescription: String { "\(method) \(path) → \(endpoint)" }
    }

    @Test(
        "literal segments win over parameters, with backtracking",
        arguments: [
            Case(method: "GET", path: "/api/admin/data/42", endpoint: "EP-06", service: "auth", parameters: ["admin": "42"]),
            Case(method: "GET", path: "/api/FOO/admin/customer", endpoint: "C06", service: "customers",
                 parameters: ["storeCode": "FOO"]),
            // The literal `admin` branch dead-ends at `customer`: back up and take `{storeCode}` = admin.
            Case(method: "GET", path: "/api/admin/customer", endpoint: "C05", service: "customers",
                 parameters: ["storeCode": "admin"]),
            Case(method: "GET", path: "/api/admin/admin/customer", endpoint: "C06", service: "customers",
                 parameters: ["storeCode": "admin"]),
            Case(method: "GET", path: "/api/DEMO/seller/pos", endpoint: "PS-06", service: "customers",
                 parameters: ["storeCode": "DEMO"]),
            Case(method: "GET", path: "/api/DEMO/seller/s-1", endpoint: "SL-03", service: "customers",
                 parameters: ["storeCode": "DEMO", "seller": "s-1"]),
            // A literal branch that has the path but not the method also counts as a dead end.
            Case(method: "PUT", path: "/api/DEMO/seller/pos", endpoint: "SL-04", service: "customers",
                 parameters: ["storeCode": "DEMO", "seller": "pos"]),
            Case(method: "GET", path: "/api/store/abc", endpoint: "EP-25", service: "auth", parameters: ["store": "abc"]),
            Case(method: "GET", path: "/api", endpoint: "EP-01", service: "auth", parameters: [:]),
            Case(method: "GET", path: "/api/", endpoint: "EP-01", service: "auth", parameters: [:]),
            Case(method: "get", path: "/enterprise/customers/c-9", endpoint: "M11", service: "customers",
                 parameters: ["customerId": "c-9"]),
            Case(method: "GET", path: "/v1/stores/sub-1/loyalty/faq", endpoint: "S4", service: "customers",
                 parameters: ["subscriberId": "sub-1"]),
            Case(method: "GET", path: "/v1/loyalty/customer_details", endpoint: "S7", service: "ledger", parameters: [:]),
        ]
    )
    func literalOverParameter(_ testCase: Case) throws {
        let match = try #require(table.match(method: testCase.method, path: testCase.path))
        #expect(match.endpointID == testCase.endpoint)
        #expect(match.service == testCase.service)
        #expect(match.parameters == testCase.parameters)
    }

    @Test(
        "unknown paths and wrong methods do not match",
        arguments: [
            ("GET", "/"), ("GET", "/nothing"), ("GET", "/api/DEMO/nonexistent"), ("GET", "/api/DEMO/campaign/1/2/3/4"),
            ("GET", "/enterprise"), ("GET", "/enterprise/unknown"), ("GET", "/v1/stores/sub-1/loyalty/unknown"),
            ("GET", "/v1/loyalty"), ("DELETE", "/api/healthcheck"), ("POST", "/metrics"),
        ]
    )
    func unknownPathsDoNotMatch(method: String, path: String) {
        #expect(table.match(method: method, path: path) == nil)
    }

    @Test("a malformed table is rejected")
    func malformedTable() {
        #expect(throws: RouteTableError.self) {
            try RouteTable(tsv: "id\tmethod\tpath\tservice\tcatalog\nX-1\tGET\tno-slash\tauth\tx.md\n")
        }
    }

    @Test("--routes listing has one line per route with method, path and service")
    func listing() {
        let lines = table.listing().split(separator: "\n")
        #expect(lines.count == table.routes.count)
        #expect(lines.contains { $0.hasPrefix("GET") && $0.contains("/api/{storeCode}/campaign ") && $0.hasSuffix("campaigns") })
    }
}
