import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

/// The ledger service under test: the real application on a real port and a fresh database with the
/// `DEFAULT` store. Customers are registered the way the customers service does it (their credentials,
/// through the auth library).
struct LedgerAPI: Sendable {
    let client: any TestClientProtocol
    let runtime: ServiceRuntime

    var pool: PostgresPool { runtime.pool }

    static func run(_ test: @escaping @Sendable (LedgerAPI) async throws -> Void) async throws {
        try await TestService.run(LedgerService.definition) { client, runtime in
            try await test(LedgerAPI(client: client, runtime: runtime))
        }
    }

    // MARK: Requests

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, form: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
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

    /// With the master key (an administrator with every right).
    @discardableResult
    func admin(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, form: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.authToken] = TestKeys.masterKey
        return try await send(method, uri, json: json, form: form, headers: headers)
    }

    // MARK: Fixtures

    func storeID(_ code: String = "DEFAULT") async throws -> UUID {
        try await pool.query("SELECT id FROM auth.stores WHERE code = \(code)").scalar(UUID.self)
    }

    /// A second store, for isolation tests.
    func createStore(_ code: String) async throws -> UUID {
        try await pool.query("INSERT INTO auth.stores (code, name, currency) VALUES (\(code), \(code), 'EUR') RETURNING id").scalar(UUID.self)
    }

    /// A customer as the customers service stores one (its row and its credentials).
    @discardableResult
    func customer(
        store: String = "DEFAULT", email: String? = nil, phone: String? = nil, card: String? = nil, status: String = "active",
        firstName: String = "Jane", lastName: String = "Doe", levelID: UUID? = nil
    ) async throws -> UUID {
        let id = UUID()
        let storeID = try await storeID(store)
        let email = email ?? "c\(id.uuidString.prefix(8).lowercased())@example.com"
        try await pool.execute("""
            INSERT INTO customers.customers (store_id, id, status, first_name, last_name, email, phone, loyalty_card_number, level_id)
            VALUES (\(storeID), \(id), \(status), \(firstName), \(lastName), \(email), \(phone), \(card), \(levelID))
            """)
        try await CustomerCredentials.register(
            on: pool, storeID: storeID, customerID: id, email: email, phone: phone, loyaltyCardNumber: card, password: nil, active: true
        )
        return id
    }

    /// Saves program settings of the customers service (JSON values over the defaults).
    func settings(_ json: String, store: String = "DEFAULT") async throws {
        let storeID = try await storeID(store)
        try await pool.execute("""
            INSERT INTO customers.settings (store_id, "values") VALUES (\(storeID), \(json)::jsonb)
            ON CONFLICT (store_id) DO UPDATE SET "values" = excluded."values"
            """)
    }

    func policy(store: String = "DEFAULT") async throws -> LedgerSettings {
        try await LedgerFacing.settings(on: pool, storeID: try await storeID(store), currency: "EUR")
    }

    func customerToken(_ id: UUID, store: String = "DEFAULT") async throws -> String {
        try await TestTokens.token(.customer, userID: id, store: store, roles: ["ROLE_PARTICIPANT"])
    }

    func sellerToken(store: String = "DEFAULT") async throws -> String {
        let id = UUID()
        try await SellerCredentials.register(
            on: pool, storeID: try await storeID(store), sellerID: id, email: "s\(id.uuidString.prefix(8).lowercased())@example.com",
            password: nil, active: true
        )
        return try await TestTokens.token(.seller, userID: id, store: store, roles: ["ROLE_SELLER"])
    }

    // MARK: Points

    /// Adds points through L-15; returns the transfer id.
    @discardableResult
    func add(_ points: String, to customer: UUID, store: String = "DEFAULT") async throws -> String {
        let response = try await admin(.post, "/api/\(store)/points/transfer/add", form: "transfer[customer]=\(customer)&transfer[points]=\(points)")
        #expect(response.status == .ok, "add: \(response.text)")
        return try #require(try response.object()["pointsTransferId"] as? String)
    }

    @discardableResult
    func spend(_ points: String, from customer: UUID, store: String = "DEFAULT") async throws -> TestResponse {
        try await admin(.post, "/api/\(store)/points/transfer/spend", form: "transfer[customer]=\(customer)&transfer[points]=\(points)")
    }

    func status(_ customer: UUID, store: String = "DEFAULT") async throws -> [String: Any] {
        let response = try await admin(.get, "/api/\(store)/admin/customer/\(customer)/status")
        #expect(response.status == .ok, "status: \(response.text)")
        return try response.object()
    }

    func available(_ customer: UUID, store: String = "DEFAULT") async throws -> Amount {
        let storeID = try await storeID(store)
        return try await pool.query("SELECT coalesce((SELECT available FROM ledger.accounts WHERE store_id = \(storeID) AND customer_id = \(customer)), 0)")
            .scalar(Amount.self)
    }

    func verify(store: String = "DEFAULT") async throws -> [String: Any] {
        let response = try await admin(.get, "/api/\(store)/admin/ledger/verify")
        #expect(response.status == .ok, "verify: \(response.text)")
        return try response.object()
    }

    /// Waits until a consumer has handled (and committed) every event queued for it.
    func waitUntilHandled(consumer: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let pending = try await pool.query("SELECT count(*) FROM suite.event_queue WHERE consumer = \(consumer)").scalar(Int.self)
            if pending == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("events for \(consumer) still queued after \(timeout)")
    }

    func eventTypes(store: String = "DEFAULT") async throws -> [String] {
        let storeID = try await storeID(store)
        return try await pool.query("SELECT type FROM suite.events WHERE store_id = \(storeID) ORDER BY id").map { try $0.decode(String.self, "type") }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}

/// A JSON number as the tests compare it (exact decimal text).
func number(_ value: Any?) -> String? {
    guard let value = value as? NSNumber else { return nil }
    return Amount(rounding: value.stringValue)?.description
}
