import Campaigns
import Customers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

/// The customers, ledger and campaigns services on one fresh database, as deployed: levels are made through
/// the customers service, earning rules through the ledger, and what campaigns serves is read from it.
struct ThreeServices: Sendable {
    let customers: any TestClientProtocol
    let ledger: any TestClientProtocol
    let campaigns: any TestClientProtocol
    let pool: PostgresPool

    static func run(_ test: @escaping @Sendable (ThreeServices) async throws -> Void) async throws {
        let database = try await TestDatabase.fresh()
        do {
            try await TestService.run(CustomersService.definition, database: database) { customers, runtime in
                try await TestService.run(LedgerService.definition, database: database) { ledger, _ in
                    try await TestService.run(CampaignsService.definition, database: database) { campaigns, _ in
                        try await test(ThreeServices(customers: customers, ledger: ledger, campaigns: campaigns, pool: runtime.pool))
                    }
                }
            }
        } catch {
            try? await TestDatabase.drop(database)
            throw error
        }
        try await TestDatabase.drop(database)
    }

    /// A request with the master key; `form` is sent url-encoded, else `body` with its `contentType`.
    @discardableResult
    static func admin(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, form: String? = nil,
        contentType: String? = nil, body: [UInt8]? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.authToken: TestKeys.masterKey]
        var buffer: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            buffer = ByteBuffer(string: form)
        } else if let body, let contentType {
            headers[.contentType] = contentType
            buffer = ByteBuffer(bytes: body)
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { $0 }
    }

    func storeID(_ code: String = "DEFAULT") async throws -> UUID {
        try await pool.query("SELECT id FROM auth.stores WHERE code = \(code)").scalar(UUID.self)
    }

    /// A level made with LV-02 (reward "<name> discount"); returns its id.
    func level(_ name: String, condition: String, active: Bool = true, extra: String = "") async throws -> UUID {
        let response = try await Self.admin(customers, .post, "/api/DEFAULT/level/create", form: """
            level[translations][en][name]=\(name)&level[conditionValue]=\(condition)&level[reward][name]=\(name) discount\
            &level[reward][value]=5&level[reward][code]=C-\(name)&level[active]=\(active ? 1 : 0)\(extra)
            """)
        #expect(response.status == .ok, "level \(name): \(response.text)")
        return try #require((try response.object()["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    /// An earning rule made with the ledger's `POST /earningRule`.
    func rule(_ form: String) async throws {
        let response = try await Self.admin(ledger, .post, "/api/DEFAULT/earningRule", form: form)
        #expect(response.status == .ok, "rule: \(response.text)")
    }

    /// Saves program settings through the customers service (ST-02): the required keys, then `extra`.
    func settings(tierAssignType: String, extra: String = "") async throws {
        let form = "settings[currency]=eur&settings[timezone]=UTC&settings[programName]=Stars&settings[programPointsSingular]=Star"
            + "&settings[programPointsPlural]=Stars&settings[pointsDaysExpiryAfter]=all_time_active&settings[allTimeNotLocked]=1"
            + "&settings[tierAssignType]=\(tierAssignType)&settings[levelDowngradeMode]=none&settings[levelDowngradeBase]=none"
            + "&settings[customerStatusesEarning][]=active&settings[customerStatusesSpending][]=active"
            + "&settings[accountActivationMethod]=email&settings[marketingVendorsValue]=none&settings[legalPoliciesVersion]=1.0"
            + "&settings[acceptTermsAndJoinProgramButtonText]=Join" + extra
        let response = try await Self.admin(customers, .post, "/api/DEFAULT/settings", form: form)
        #expect(response.status == .ok, "settings: \(response.text)")
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}
