import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Passwords (EP-19…23): reset through the mail outbox, change")
struct PasswordTests {
    static let success = #"{"success":true}"#

    /// The reset token of the newest mail to `recipient`, read from the outbox files.
    func resetToken(_ api: AuthAPI, to recipient: String) throws -> String {
        let mail = try #require(try api.runtime.outbox.messages(.mail).last { $0.to == recipient })
        #expect(mail.template == "password_reset")
        let token = try #require(mail.data["token"])
        #expect(mail.body.contains(token))
        return token
    }

    @Test func aCustomerResetsTheirPasswordWithTheMailedTokenOnce() async throws {
        try await AuthAPI.run { api in
            try await api.registerCustomer(email: "user@example.com")
            let request = try await api.send(.post, "/api/DEFAULT/customer/password/reset/request", form: "username=user@example.com")
            #expect(request.status == .ok)
            #expect(request.text == Self.success)
            let files = try FileManager.default.contentsOfDirectory(atPath: api.runtime.outbox.folder(for: .mail).path)
            #expect(files.count == 1 && files[0].hasSuffix(".json"))
            let token = try resetToken(api, to: "user@example.com")
            #expect(token.count == 43)
            let stored = try await api.pool.query("SELECT token_hash FROM auth.password_resets").scalar(String.self)
            #expect(stored == Secrets.sha256Hex(token), "stored hashed")

            let weak = try await api.send(.post, "/api/password/reset", form: "token=\(token)&reset[plainPassword]=short")
            #expect(weak.status == .badRequest)
            #expect(weak.text == """
                {"form":{"children":{"plainPassword":{"errors":["Your password must be at least 8 characters long.",\
                "Your password must include both upper and lower case letters.","Your password must include at least one number.",\
                "Your password must contain at least one special character."]}}},"errors":[]}
                """)
            let reset = try await api.send(.post, "/api/password/reset?token=\(token)", form: "reset[plainPassword]=newPassword12!")
            #expect(reset.status == .ok)
            #expect(reset.text == Self.success)
            _ = try await api.logIn("/api/DEFAULT/customer/login_check", username: "user@example.com", password: "newPassword12!")
            let old = try await api.send(.post, "/api/DEFAULT/customer/login_check", form: "_username=user@example.com&_password=Secret1!")
            #expect(old.status == .unauthorized)

            let again = try await api.send(.post, "/api/password/reset", form: "token=\(token)&reset[plainPassword]=otherPassword12!")
            #expect(again.status == .notFound)
            #expect(again.text == #"{"error":{"code":404,"message":"Not Found"}}"#)
            let missing = try await api.send(.post, "/api/password/reset", form: "reset[plainPassword]=otherPassword12!")
            #expect(missing.text == #"{"error":"field \"token\" should not be empty"}"#)
            let events = try await api.pool.query("SELECT type FROM suite.events WHERE type LIKE 'Password%' ORDER BY id").map { try $0.decode(String.self, "type") }
            #expect(events == ["PasswordResetWasRequested", "PasswordWasReset"])
        }
    }

    @Test func aResetLogsTheUserOutAndANewRequestReplacesTheOldToken() async throws {
        try await AuthAPI.run { api in
            try await api.registerCustomer(email: "twice@example.com")
            let session = try await api.logIn("/api/DEFAULT/customer/login_check", username: "twice@example.com", password: "Secret1!")
            _ = try await api.send(.post, "/api/DEFAULT/customer/password/reset/request", json: #"{"username":"twice@example.com"}"#)
            let first = try resetToken(api, to: "twice@example.com")
            _ = try await api.send(.post, "/api/DEFAULT/customer/password/reset/request", json: #"{"username":"twice@example.com"}"#)
            let second = try resetToken(api, to: "twice@example.com")
            #expect(first != second)
            #expect(try await api.send(.post, "/api/password/reset", form: "token=\(first)&reset[plainPassword]=Another-pass1").status == .notFound)
            #expect(try await api.send(.post, "/api/password/reset", form: "token=\(second)&reset[plainPassword]=Another-pass1").status == .ok)
            let refused = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(session.refreshToken)")
            #expect(refused.status == .unauthorized)
        }
    }

    @Test func unknownUsersGetTheSameAnswerAndNoMail() async throws {
        try await AuthAPI.run { api in
            _ = try await api.createStore(code: "B")
            try await api.registerCustomer(store: "B", email: "elsewhere@example.com")
            for (path, username) in [("/api/DEFAULT/customer/password/reset/request", "elsewhere@example.com"), ("/api/password/reset/request", "nobody")] {
                let response = try await api.send(.post, path, form: "username=\(username)")
                #expect(response.status == .ok)
                #expect(response.text == Self.success)
            }
            #expect(try api.runtime.outbox.messages(.mail).isEmpty)
            #expect(try await api.count("auth.password_resets") == 0)
            let missing = try await api.send(.post, "/api/password/reset/request")
            #expect(missing.status == .badRequest)
            #expect(missing.text == #"{"error":"field \"username\" should not be empty"}"#)
        }
    }

    @Test func anAdminResetsTheirPasswordByUserName() async throws {
        try await AuthAPI.run { api in
            let request = try await api.send(.post, "/api/password/reset/request", form: "username=admin")
            #expect(request.text == Self.success)
            let token = try resetToken(api, to: "admin@example.com")
            let reset = try await api.send(.post, "/api/password/reset", json: #"{"token":"\#(token)","reset":{"plainPassword":"Admin-pass1"}}"#)
            #expect(reset.status == .ok)
            _ = try await api.logIn("/api/admin/login_check", username: "admin", password: "Admin-pass1")
            let audit = try await api.pool.query("SELECT username FROM auth.audit_log WHERE event_type = 'ResetPassword'").scalar(String.self)
            #expect(audit == AuthActorName.notLogged)
        }
    }

    @Test func customersChangeTheirPasswordAfterProvingTheCurrentOne() async throws {
        try await AuthAPI.run { api in
            try await api.registerCustomer(email: "me@example.com")
            let token = try await api.logIn("/api/DEFAULT/customer/login_check", username: "me@example.com", password: "Secret1!").token
            let wrong = try await api.send(.post, "/api/DEFAULT/customer/password/change", token: token, form: "currentPassword=nope&plainPassword=")
            #expect(wrong.status == .badRequest)
            #expect(wrong.text == """
                {"form":{"children":{"currentPassword":{"errors":["This value should be the user's current password."]},\
                "plainPassword":{"errors":["This value should not be blank."]}}},"errors":[]}
                """)
            let change = try await api.send(.post, "/api/DEFAULT/customer/password/change", token: token, json: #"{"currentPassword":"Secret1!","plainPassword":"Changed-pass1"}"#)
            #expect(change.status == .ok)
            #expect(change.text == Self.success)
            _ = try await api.logIn("/api/DEFAULT/customer/login_check", username: "me@example.com", password: "Changed-pass1")
            let anonymous = try await api.send(.post, "/api/DEFAULT/customer/password/change", form: "currentPassword=x&plainPassword=y")
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func adminsChangeTheirPasswordWithAJWT() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let weak = try await api.send(.post, "/api/DEFAULT/admin/password/change", token: token, form: "currentPassword=open&plainPassword=password1234")
            #expect(weak.text.contains("Your password must include both upper and lower case letters."))
            let change = try await api.send(.post, "/api/DEFAULT/admin/password/change", token: token, form: "currentPassword=open&plainPassword=newPassword12!")
            #expect(change.text == Self.success)
            _ = try await api.logIn("/api/admin/login_check", username: "admin", password: "newPassword12!")
            let master = try await api.asMaster(.post, "/api/DEFAULT/admin/password/change", form: "currentPassword=x&plainPassword=y")
            #expect(master.status == .forbidden)
            let audit = try await api.pool.query("SELECT username, entity_type FROM auth.audit_log WHERE event_type = 'ChangePassword'").firstRow
            #expect(try audit?.decode(String.self, "username") == "admin")
            #expect(try audit?.decode(String.self, "entity_type") == "admin")
        }
    }
}

enum AuthActorName {
    static let notLogged = "<notlogged>"
}
