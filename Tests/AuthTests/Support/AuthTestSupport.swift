import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// The auth service under test: the real application on a real port, a fresh database, the seeded admin
/// `admin` / `open`, and bcrypt at its lowest cost so that tests stay fast.
struct AuthAPI: Sendable {
    static let adminID = "22200000-0000-474c-b092-b0dd880c07e2"
    static let adminPassword = "open"

    let client: any TestClientProtocol
    let runtime: ServiceRuntime

    var pool: PostgresPool { runtime.pool }

    static func run(
        database: PostgresConfiguration? = nil,
        _ test: @escaping @Sendable (AuthAPI) async throws -> Void
    ) async throws {
        PasswordHasher.cost = 4
        try await TestService.run(AuthService.definition, database: database, configure: { $0.seedAdminPassword = adminPassword }) { client, runtime in
            try await test(AuthAPI(client: client, runtime: runtime))
        }
    }

    // MARK: Requests

    /// Sends a request; `json` or `form` is the body, `token` a bearer token, `ip` the `X-Forwarded-For`.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, form: String? = nil,
        headers: HTTPFields = [:], ip: String? = nil
    ) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let ip { headers[.xForwardedFor] = ip }
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

    /// Sends with the master key (full admin rights, no user).
    @discardableResult
    func asMaster(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, form: String? = nil) async throws -> TestResponse {
        try await send(method, uri, json: json, form: form, headers: [.authToken: TestKeys.masterKey])
    }

    // MARK: Log-ins

    /// A token pair from a successful log-in (from an address of its own, so the rate limit stays out of the way).
    func logIn(_ path: String, username: String, password: String) async throws -> (token: String, refreshToken: String) {
        let body = try JSONSerialization.data(withJSONObject: ["_username": username, "_password": password])
        let response = try await send(.post, path, json: String(decoding: body, as: UTF8.self), ip: Self.randomAddress())
        #expect(response.status == .ok, "log-in at \(path) failed: \(response.text)")
        let object = try response.object()
        return (try #require(object["token"] as? String), try #require(object["refresh_token"] as? String))
    }

    /// The seeded admin's access token.
    func adminToken() async throws -> String {
        try await logIn("/api/admin/login_check", username: "admin", password: Self.adminPassword).token
    }

    static func randomAddress() -> String {
        "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
    }

    // MARK: Fixtures

    /// Creates a store through the API; returns its id.
    func createStore(code: String, name: String = "Store", currency: String = "EUR") async throws -> UUID {
        let response = try await asMaster(.post, "/api/store", form: "store[code]=\(code)&store[name]=\(name)&store[currency]=\(currency)&store[active]=1")
        #expect(response.status == .ok, "store \(code): \(response.text)")
        let id = try response.object()["storeId"] as? String
        return try #require(id.flatMap(UUID.init(uuidString:)))
    }

    func storeID(_ code: String) async throws -> UUID {
        try await pool.query("SELECT id FROM auth.stores WHERE code = \(code)").scalar(UUID.self)
    }

    /// Registers customer credentials through the library API, as the customers service does.
    @discardableResult
    func registerCustomer(
        store: String = "DEFAULT", email: String?, phone: String? = nil, card: String? = nil, password: String = "Secret1!",
        active: Bool = true
    ) async throws -> UUID {
        let id = UUID()
        let storeID = try await storeID(store)
        let hash = await PasswordHash(hashing: password)
        try await pool.transaction { tx in
            try await CustomerCredentials.register(
                on: tx, storeID: storeID, customerID: id, email: email, phone: phone, loyaltyCardNumber: card, password: hash, active: active
            )
        }
        return id
    }

    @discardableResult
    func registerSeller(store: String = "DEFAULT", email: String, password: String = "Secret1!", active: Bool = true) async throws -> UUID {
        let id = UUID()
        let storeID = try await storeID(store)
        let hash = await PasswordHash(hashing: password)
        try await SellerCredentials.register(on: pool, storeID: storeID, sellerID: id, email: email, password: hash, active: active)
        return id
    }

    /// Creates a role through the API with the given grants; returns its id.
    func createRole(_ name: String, grants: [(String, String)]) async throws -> Int {
        var form = "role[name]=\(name)"
        for (index, grant) in grants.enumerated() {
            form += "&role[permissions][\(index)][resource]=\(grant.0)&role[permissions][\(index)][access]=\(grant.1)"
        }
        let response = try await asMaster(.post, "/api/admin/acl/role", form: form)
        #expect(response.status == .noContent, "role: \(response.text)")
        let location = try #require(response.headers[.location])
        let last = location.split(separator: "/").last.map(String.init) ?? ""
        return try #require(Int(last))
    }

    /// Creates an internal admin with a role and returns its id and access token.
    func adminWithRole(_ roleID: Int?, email: String = "limited\(Int.random(in: 1...999_999))@example.com") async throws -> (id: String, token: String) {
        var form = "admin[email]=\(email)&admin[plainPassword]=Passw0rd!&admin[external]=0&admin[isActive]=1"
        if let roleID { form += "&admin[roles][0]=\(roleID)" }
        let response = try await asMaster(.post, "/api/admin/data", form: form)
        #expect(response.status == .ok, "admin: \(response.text)")
        let id = try #require(try response.object()["adminId"] as? String)
        return (id, try await logIn("/api/admin/login_check", username: email, password: "Passw0rd!").token)
    }

    func count(_ table: String) async throws -> Int {
        try await pool.query("SELECT count(*) FROM \(unsafeRaw: table)").scalar(Int.self)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}

/// Reads the claims of a JWT without verifying it (the service verified it already).
func claims(of token: String) throws -> [String: Any] {
    let parts = token.split(separator: ".")
    try #require(parts.count == 3)
    let data = try #require(Data(base64URLEncoded: String(parts[1])))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The header of a JWT.
func header(of token: String) throws -> [String: Any] {
    let data = try #require(Data(base64URLEncoded: String(token.split(separator: ".")[0])))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

extension HTTPFields {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
}
