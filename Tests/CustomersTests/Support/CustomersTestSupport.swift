import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// The customers service under test: the real application on a real port and a fresh database with the
/// store `DEFAULT`; admins act with the master key, sellers and customers with tokens of the suite's key.
struct CustomersAPI: Sendable {
    let client: any TestClientProtocol
    let runtime: ServiceRuntime

    var pool: PostgresPool { runtime.pool }

    static func run(_ test: @escaping @Sendable (CustomersAPI) async throws -> Void) async throws {
        PasswordHasher.cost = 4
        try await TestService.run(CustomersService.definition) { client, runtime in
            try await test(CustomersAPI(client: client, runtime: runtime))
        }
    }

    // MARK: Requests

    /// Sends a request; `json` or `form` is the body, `token` a bearer token, `master` the master key.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, master: Bool = false, json: String? = nil,
        form: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        if master { headers[.authToken] = TestKeys.masterKey }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        } else if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form)
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { $0 }
    }

    /// Sends as an admin (the master key).
    @discardableResult
    func admin(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, form: String? = nil) async throws -> TestResponse {
        try await send(method, uri, master: true, json: json, form: form)
    }

    // MARK: Fixtures

    func storeID(_ code: String = "DEFAULT") async throws -> UUID {
        try await pool.query("SELECT id FROM auth.stores WHERE code = \(code)").scalar(UUID.self)
    }

    /// Creates another store directly in the auth schema.
    func createStore(_ code: String, currency: String = "EUR") async throws {
        try await pool.execute("INSERT INTO auth.stores (code, name, currency) VALUES (\(code), \(code), \(currency))")
        runtime.stores.invalidate()
    }

    /// A seller with credentials in the store and a token for it.
    func sellerToken(store: String = "DEFAULT", id: UUID = UUID()) async throws -> (id: UUID, token: String) {
        let storeID = try await storeID(store)
        try await SellerCredentials.register(on: pool, storeID: storeID, sellerID: id, email: "seller-\(id)@example.com", password: nil, active: true)
        try await pool.execute("""
            INSERT INTO customers.sellers (store_id, id, first_name, last_name, email) VALUES (\(storeID), \(id), 'Sel', 'Ler', \("seller-\(id)@example.com"))
            """)
        return (id, try await TestTokens.token(.seller, userID: id, store: store))
    }

    /// A customer token for an existing customer.
    func customerToken(_ id: UUID, store: String = "DEFAULT") async throws -> String {
        try await TestTokens.token(.customer, userID: id, store: store)
    }

    /// Registers a customer as an admin (C36) from form fields; returns its id.
    @discardableResult
    func register(
        email: String, firstName: String = "John", lastName: String = "Doe", extra: String = "", store: String = "DEFAULT"
    ) async throws -> UUID {
        let form = "customer[firstName]=\(firstName)&customer[lastName]=\(lastName)&customer[email]=\(email)&customer[agreement1]=1" + extra
        let response = try await admin(.post, "/api/\(store)/admin/customer/register", form: form)
        #expect(response.status == .ok, "register \(email): \(response.text)")
        let id = try response.object()["customerId"] as? String
        return try #require(id.flatMap(UUID.init(uuidString:)))
    }

    /// The details of a customer (C12) as a JSON object.
    func details(_ id: UUID, store: String = "DEFAULT") async throws -> [String: Any] {
        let response = try await admin(.get, "/api/\(store)/customer/\(id.uuidString.lowercased())")
        #expect(response.status == .ok, "details: \(response.text)")
        return try response.object()
    }

    func count(_ sql: SQL) async throws -> Int {
        try await pool.query(sql).scalar(Int.self)
    }

    /// The event types appended for an aggregate, oldest first.
    func events(of id: UUID) async throws -> [String] {
        try await pool.query("SELECT type FROM suite.events WHERE aggregate_id = \(id.uuidString.lowercased()) ORDER BY id")
            .map { try $0.decode(String.self, "type") }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    func array() throws -> [Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any], "not a JSON array: \(text)")
    }
}
