import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

extension CustomersAPI {
    /// An admin whose role grants exactly these (resource, access) pairs, and its JWT.
    func adminToken(grants: [(String, String)]) async throws -> String {
        let role = try await pool.query("INSERT INTO auth.roles (name) VALUES ('limited') RETURNING id").scalar(Int.self)
        for (resource, access) in grants {
            try await pool.execute("INSERT INTO auth.role_permissions (role_id, resource, access) VALUES (\(role), \(resource), \(access))")
        }
        let id = UUID()
        try await pool.execute("""
            INSERT INTO auth.admins (id, username, email, role_id) VALUES (\(id), \(id.text), \("\(id.text)@example.com"), \(role))
            """)
        return try await TestTokens.token(.admin, userID: id, roles: ["ROLE_ADMIN"])
    }
}

@Suite("ACL of the customers service")
struct AccessTests {
    @Test func adminsNeedTheirResource() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "acl@example.com")
            let viewer = try await api.adminToken(grants: [("CUSTOMER", "VIEW"), ("LEVEL", "MODIFY")])
            #expect(try await api.send(.get, "/api/DEFAULT/admin/customer", token: viewer).status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/customer/\(id.text)", token: viewer).status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/level", token: viewer).status == .ok)
            let refused = try await api.send(.post, "/api/DEFAULT/admin/customer/\(id.text)/deactivate", token: viewer)
            #expect(refused.status == .forbidden)
            #expect(refused.text == #"{"error":{"code":403,"message":"Forbidden"}}"#)
            #expect(try await api.send(.put, "/api/DEFAULT/customer/\(id.text)", token: viewer, form: "customer[firstName]=X").status == .forbidden)
            #expect(try await api.send(.get, "/api/DEFAULT/pos", token: viewer).status == .forbidden)
            #expect(try await api.send(.get, "/api/DEFAULT/settings", token: viewer).status == .forbidden)
            #expect(try await api.details(id)["active"] as? Bool == true)

            let editor = try await api.adminToken(grants: [("CUSTOMER", "MODIFY")])
            #expect(try await api.send(.post, "/api/DEFAULT/admin/customer/\(id.text)/deactivate", token: editor).status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/admin/customer", token: editor).status == .ok)
            // The actor of the event is the admin.
            let actor = try await api.pool.query("""
                SELECT actor->>'type' AS type FROM suite.events WHERE type = 'CustomerWasDeactivated' AND aggregate_id = \(id.text)
                """).scalar(String.self)
            #expect(actor == "admin")
            #expect(try await api.send(.get, "/api/DEFAULT/admin/customer", token: "not-a-token").status == .unauthorized)
        }
    }
}
