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
    func messages(_ api: CustomersAPI, _ channel: String) throws -> [OutboxMessage] {
        let directory = api.runtime.outbox.directory.appendingPathComponent(channel)
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return try files.map { try JSONDecoder().decode(OutboxMessage.self, from: Data(contentsOf: $0)) }
    }

    @Test func selfRegistrationMailsTheActivationLink() async throws {
        try await CustomersAPI.run { api in
            let form = "customer[firstName]=M&customer[lastName]=L&customer[email]=mail@example.com&customer[agreement1]=1&customer[plainPassword]=Secret1!x"
            let id = try #require((try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form).object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            let token = try await api.pool.query("SELECT activation_token FROM customers.customers WHERE id = \(id)").scalar(String.self)
            let mail = try messages(api, "mail")
            #expect(mail.count == 1)
            #expect(mail.first?.to == "mail@example.com" && mail.first?.data["url"] == "/api/DEFAULT/customer/activate/\(token)")
            // A refused registration sends nothing.
            #expect(try await api.send(.post, "/api/DEFAULT/customer/self_register", form: form).status == .badRequest)
            #expect(try messages(api, "mail").count == 1)
            // Admin registrations are active at once and send no activation mail.
            try await api.register(email: "admin-made@example.com")
            #expect(try messages(api, "mail").count == 1)
        }
    }
}
