import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// Customers, points, tokens and campaigns for the campaigns tests, made as the services make them.
extension ThreeServices {
    /// A customer row as the customers service stores one.
    @discardableResult
    func customer(
        store: String = "DEFAULT", levelID: UUID? = nil, firstName: String = "Jane", lastName: String = "Doe", status: String = "active"
    ) async throws -> UUID {
        let id = UUID()
        try await pool.execute("""
            INSERT INTO customers.customers (store_id, id, status, first_name, last_name, email, level_id)
            VALUES (\(try await storeID(store)), \(id), \(status), \(firstName), \(lastName), \("c\(id.uuidString.prefix(8).lowercased())@example.com"), \(levelID))
            """)
        return id
    }

    /// Adds points with the ledger's admin transfer.
    func add(_ points: String, to customer: UUID) async throws {
        let response = try await Self.admin(ledger, .post, "/api/DEFAULT/points/transfer/add", form: "transfer[customer]=\(customer.text)&transfer[points]=\(points)")
        #expect(response.status == .ok, "add points: \(response.text)")
    }

    func available(_ customer: UUID) async throws -> String {
        let value = try await pool.query("""
            SELECT available::text FROM ledger.accounts WHERE customer_id = \(customer)
            """).firstRow?.decode(String.self, at: 0)
        return value ?? "0.00"
    }

    /// A request as the customer (`customer` token of the store).
    func asCustomer(_ customer: UUID, _ method: HTTPRequest.Method, _ uri: String, form: String? = nil) async throws -> TestResponse {
        try await send(campaigns, method, uri, token: try await TestTokens.token(.customer, userID: customer, store: "DEFAULT", roles: ["ROLE_PARTICIPANT"]), form: form)
    }

    func asSeller(_ method: HTTPRequest.Method, _ uri: String) async throws -> TestResponse {
        try await send(campaigns, method, uri, token: try await TestTokens.token(.seller, store: "DEFAULT", roles: ["ROLE_SELLER"]), form: nil)
    }

    private func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, form: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) { $0 }
    }

    /// Creates a campaign with CMP-05: a discount code aimed at `level`, always active and visible, with `extra` fields.
    func campaign(
        name: String = "Ten off", cost: String = "10", level: UUID, coupons: [String] = ["A1", "A2"], limits: (Int, Int)? = nil,
        extra: String = ""
    ) async throws -> String {
        var form = "campaign[reward]=discount_code&campaign[translations][en][name]=\(name)&campaign[active]=1&campaign[costInPoints]=\(cost)"
            + "&campaign[target]=level&campaign[levels][0]=\(level.text)&campaign[singleCoupon]=0&campaign[daysInactive]=0&campaign[daysValid]=30"
            + "&campaign[campaignVisibility][allTimeVisible]=1&campaign[campaignActivity][allTimeActive]=1"
        if let (limit, perUser) = limits {
            form += "&campaign[unlimited]=0&campaign[limit]=\(limit)&campaign[limitPerUser]=\(perUser)"
        } else {
            form += "&campaign[unlimited]=1"
        }
        for (index, code) in coupons.enumerated() { form += "&campaign[coupons][\(index)]=\(code)" }
        let response = try await Self.admin(campaigns, .post, "/api/DEFAULT/campaign", form: form + extra)
        #expect(response.status == .ok, "campaign: \(response.text)")
        return try #require(try response.object()["campaignId"] as? String)
    }
}
