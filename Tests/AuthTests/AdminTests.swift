import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Admin users API (EP-05…08)")
struct AdminTests {
    static let emptyForm = #"{"form":{"children":{"firstName":{},"lastName":{},"phone":{},"email":{},"plainPassword":{},"external":{},"apiKey":{},"isActive":{}}},"errors":[]}"#

    @Test func theSeededAdminIsShownAsDocumented() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let response = try await api.send(.get, "/api/admin/data/\(AuthAPI.adminID)", token: token)
            #expect(response.status == .ok)
            let created = try await api.pool.query("SELECT created_at FROM auth.admins WHERE id = \(AuthAPI.adminID)::uuid").scalar(Date.self)
            let role = try await api.pool.query("SELECT id FROM auth.roles WHERE master").scalar(Int.self)
            #expect(response.text == """
                {"createAt":"\(compact(created))","dtype":"admin","email":"admin@example.com","external":false,"id":"\(AuthAPI.adminID)",\
                "isActive":true,"roles":[{"id":\(role),"master":true,"name":"Super admin","role":"ROLE_ADMIN"}],"username":"admin"}
                """)
            let unknown = try await api.send(.get, "/api/admin/data/\(UUID())", token: token)
            #expect(unknown.status == .notFound)
            #expect(unknown.text == #"{"error":{"code":404,"message":"Not Found"}}"#)
            #expect(try await api.send(.get, "/api/admin/data/not-a-uuid", token: token).status == .notFound)
        }
    }

    @Test func createWithTheDocumentedFormThenListWithPaging() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let response = try await api.send(.post, "/api/admin/data", token: token, form: """
                admin[firstName]=first+name&admin[lastName]=last+name&admin[phone]=00000000000&admin[email]=user@example.com\
                &admin[plainPassword]=password1234&admin[external]=0&admin[isActive]=1&admin[roles][0]=1
                """)
            #expect(response.status == .ok)
            let id = try #require(try response.object()["adminId"] as? String)
            let row = try #require(try await api.pool.query("SELECT username, first_name, phone, role_id, password_hash FROM auth.admins WHERE id = \(id)::uuid").firstRow)
            #expect(try row.decode(String.self, "username") == id)
            #expect(try row.decode(String?.self, "first_name") == "first name")
            #expect(try row.decode(Int?.self, "role_id") == 1)
            #expect(try row.decode(String.self, "password_hash").hasPrefix("$2"))
            _ = try await api.logIn("/api/admin/login_check", username: "user@example.com", password: "password1234")

            let json = try await api.send(.post, "/api/admin/data", token: token, json: #"{"admin":{"email":"json@example.com","plainPassword":"x","roles":[]}}"#)
            #expect(json.status == .ok)

            let page = try await api.send(.get, "/api/admin?page=1&perPage=2&sort=email&direction=DESC", token: token)
            #expect(page.status == .ok)
            let body = try page.object()
            #expect(body["total"] as? Int == 3)
            let users = try #require(body["users"] as? [[String: Any]])
            #expect(users.map { $0["email"] as? String } == ["user@example.com", "json@example.com"])
            #expect(users[0]["firstName"] as? String == "first name")
            #expect(users[0]["dtype"] as? String == "admin")
            let second = try await api.send(.get, "/api/admin?page=2&perPage=2&sort=email&direction=DESC", token: token).object()
            #expect((second["users"] as? [[String: Any]])?.map { $0["email"] as? String } == ["admin@example.com"])
            let badSort = try await api.send(.get, "/api/admin?sort=password", token: token)
            #expect(badSort.status == .badRequest)
        }
    }

    @Test func documentedFormErrorsAndNothingWritten() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let before = try await api.count("auth.admins")
            let events = try await api.count("suite.events")

            let empty = try await api.send(.post, "/api/admin/data", token: token)
            #expect(empty.status == .badRequest)
            #expect(empty.text == Self.emptyForm)

            let duplicate = try await api.send(.post, "/api/admin/data", token: token, form: "admin[email]=ADMIN@example.com&admin[external]=1")
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.text == """
                {"form":{"children":{"firstName":{},"lastName":{},"phone":{},"email":{"errors":["This value is already used."]},\
                "plainPassword":{},"external":{},"apiKey":{"errors":["This value should not be blank."]},"isActive":{}}},"errors":[]}
                """)

            let blank = try await api.send(.post, "/api/admin/data", token: token, json: #"{"admin":{"email":"nope","roles":[1,2]}}"#)
            #expect(blank.text == """
                {"form":{"children":{"firstName":{},"lastName":{},"phone":{},"email":{"errors":["This value is not a valid email address."]},\
                "plainPassword":{"errors":["This value should not be blank."]},"external":{},"apiKey":{},"isActive":{},\
                "roles":{"errors":["This collection should contain 1 element or less."]}}},"errors":[]}
                """)
            let unknownRole = try await api.send(.post, "/api/admin/data", token: token, form: "admin[email]=a@example.com&admin[plainPassword]=x&admin[roles][]=999")
            #expect(unknownRole.text.contains(#""roles":{"errors":["This value is not valid."]}"#))

            _ = try await api.asMaster(.post, "/api/admin/data", form: "admin[email]=ext@example.com&admin[external]=1&admin[apiKey]=taken-token")
            let takenKey = try await api.send(.post, "/api/admin/data", token: token, form: "admin[email]=ext2@example.com&admin[external]=1&admin[apiKey]=taken-token")
            #expect(takenKey.text.contains(#""apiKey":{"errors":["This value is already used."]}"#))

            #expect(try await api.count("auth.admins") == before + 1)
            #expect(try await api.count("suite.events") == events + 1)
        }
    }

    @Test func updateReplacesTheDataButKeepsSecretsAndFlagsThatAreNotSent() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let created = try await api.send(.post, "/api/admin/data", token: token, form: """
                admin[firstName]=Ann&admin[phone]=123&admin[email]=ann@example.com&admin[plainPassword]=first&admin[roles][0]=1
                """)
            let id = try #require(try created.object()["adminId"] as? String)

            let update = try await api.send(.put, "/api/admin/data/\(id)", token: token, form: """
                admin[firstName]=first+name&admin[lastName]=last+name&admin[email]=administrator@example.com&admin[external]=0
                """)
            #expect(update.status == .ok)
            #expect(update.text == "")
            let shown = try await api.send(.get, "/api/admin/data/\(id)", token: token).object()
            #expect(shown["email"] as? String == "administrator@example.com")
            #expect(shown["firstName"] as? String == "first name")
            #expect(shown["phone"] == nil, "not sent: cleared")
            #expect(shown["isActive"] as? Bool == true, "not sent: kept")
            #expect((shown["roles"] as? [Any])?.isEmpty == true, "not sent: cleared")
            _ = try await api.logIn("/api/admin/login_check", username: "administrator@example.com", password: "first")

            let emptyPut = try await api.send(.put, "/api/admin/data/\(id)", token: token)
            #expect(emptyPut.text == Self.emptyForm)
            let unknown = try await api.send(.put, "/api/admin/data/\(UUID())", token: token, form: "admin[email]=x@example.com")
            #expect(unknown.status == .notFound)
            let taken = try await api.send(.put, "/api/admin/data/\(id)", token: token, form: "admin[email]=admin@example.com")
            #expect(taken.text.contains(#""email":{"errors":["This value is already used."]}"#))

            let selfDeactivation = try await api.send(.put, "/api/admin/data/\(AuthAPI.adminID)", token: token, form: "admin[email]=admin@example.com&admin[isActive]=0&admin[roles][]=1")
            #expect(selfDeactivation.text.contains(#""isActive":{"errors":["You cannot deactivate your own account."]}"#))

            let events = try await api.pool.query("SELECT type FROM suite.events WHERE aggregate_id = \(id) ORDER BY id").map { try $0.decode(String.self, "type") }
            #expect(events == ["AdminWasCreated", "AdminWasUpdated"])
            let audit = try await api.pool.query("SELECT event_type, username, entity_type FROM auth.audit_log WHERE entity_id = \(id) ORDER BY created_at")
            #expect(try audit.map { try $0.decode(String.self, "event_type") } == ["CreateAdmin", "UpdateAdmin"])
            #expect(try audit.map { try $0.decode(String.self, "username") } == ["admin", "admin"])
        }
    }

    @Test func aDeactivatedAdminsTokensStopWorking() async throws {
        try await AuthAPI.run { api in
            let other = try await api.adminWithRole(1, email: "soon-gone@example.com")
            #expect(try await api.send(.get, "/api/admin", token: other.token).status == .ok)
            let token = try await api.adminToken()
            let update = try await api.send(.put, "/api/admin/data/\(other.id)", token: token, form: "admin[email]=soon-gone@example.com&admin[isActive]=0&admin[roles][]=1")
            #expect(update.status == .ok)
            let refused = try await api.send(.get, "/api/admin", token: other.token)
            #expect(refused.status == .unauthorized)
            #expect(refused.text == #"{"code":401,"message":"Invalid JWT Token"}"#)
        }
    }

    @Test func theFirstAdminIsSeededOnceEvenWhenReplicasStartTogether() async throws {
        let database = try await TestDatabase.fresh()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 1...3 {
                group.addTask { try await AuthAPI.run(database: database) { _ in } }
            }
            try await group.waitForAll()
        }
        try await AuthAPI.run(database: database) { api in
            #expect(try await api.count("auth.admins") == 1)
            let events = try await api.pool.query("SELECT count(*) FROM suite.events WHERE type = 'AdminWasCreated'").scalar(Int.self)
            #expect(events == 1)
            _ = try await api.adminToken()
        }
        try await TestDatabase.drop(database)
    }

    private func compact(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return formatter.string(from: date)
    }
}
