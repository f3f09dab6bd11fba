import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Activation messages through the outbox")
struct OutboxTests {
    func messages(_ api: CustomersAPI, _ channel: OutboxMessage.Channel) throws -> [OutboxMessage] {
        try api.runtime.outbox.messages(channel)
    }

    @Test func selfRegistrationMailsTheActivationLink() async throws {
        try await CustomersAPI.run { api in
            let form = "customer[firstName]=M&customer[lastName]=L&customer[email]=mail@example.com&customer[agreement1]=1&customer[plainPassword]=Secret1!x"
            let id = try #require((try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form).object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let token = try await api.pool.query("SELECT activation_token FROM customers.customers WHERE id = \(id)").scalar(String.self)
            let mail = try messages(api, .mail)
            #expect(mail.count == 1)
            #expect(mail.first?.to == "mail@example.com" && mail.first?.data["url"] == "/api/DEFAULT/customer/activate/\(token)")
            // A refused registration sends nothing.
            #expect(try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form).status == .badRequest)
            #expect(try messages(api, .mail).count == 1)
            // Admin registrations are active at once and send no activation mail.
            try await api.register(email: "admin-made@example.com")
            #expect(try messages(api, .mail).count == 1)
        }
    }

    @Test func theActivationMailIsWrittenFromTheStoresRegistrationTemplate() async throws {
        try await CustomersAPI.run { api in
            func register(_ email: String) async throws -> String {
                let form = "customer[firstName]=M&customer[lastName]=L&customer[email]=\(email)&customer[agreement1]=1&customer[plainPassword]=Secret1!x"
                let response = try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form)
                #expect(response.status == .ok, "\(response.text)")
                let id = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
                return try await api.pool.query("SELECT activation_token FROM customers.customers WHERE id = \(id)").scalar(String.self)
            }
            // Without a stored template: the built-in text.
            let firstToken = try await register("first@example.com")
            let first = try #require(try messages(api, .mail).first { $0.to == "first@example.com" })
            #expect(first.template == "registration" && first.subject == "Account created")
            #expect(first.body == "Welcome to Loyalty Program! Activate your account: /api/DEFAULT/customer/activate/\(firstToken)")

            // The store edits its `registration` template (EM-03) and sets a conditions URL: both are used.
            try await api.setSettings(#"{"programConditionsUrl":"https://shop.example.com/terms"}"#)
            let emails = try #require(try await api.admin(.get, "/api/DEFAULT/settings/emails").object()["emails"] as? [[String: Any]])
            let templateID = try #require(emails.first { $0["key"] as? String == "registration" }?["id"] as? String)
            let edit = try await api.admin(.put, "/api/DEFAULT/settings/emails/\(templateID)", form: "email[key]=registration"
                + "&email[subject]=Your account is ready&email[content]=Activate: {{ url }} (terms: {{conditions_file}})"
                + "&email[sender_name]=Shop&email[sender_email]=shop@example.com")
            #expect(edit.status == .ok, "\(edit.text)")
            let secondToken = try await register("second@example.com")
            let second = try #require(try messages(api, .mail).first { $0.to == "second@example.com" })
            #expect(second.subject == "Your account is ready")
            #expect(second.body == "Activate: /api/DEFAULT/customer/activate/\(secondToken) (terms: https://shop.example.com/terms)")
            #expect(second.data["conditions_file"] == "https://shop.example.com/terms")
        }
    }
}
