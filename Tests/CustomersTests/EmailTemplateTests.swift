import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("E-mail templates (EM-01…EM-03)")
struct EmailTemplateTests {
    @Test func listReadPreviewUpdate() async throws {
        try await CustomersAPI.run { api in
            let list = try await api.admin(.get, "/api/DEFAULT/settings/emails").object()
            #expect(list["total"] as? Int == 8)
            let emails = try #require(list["emails"] as? [[String: Any]])
            let level = try #require(emails.first { $0["key"] as? String == "new_level" })
            #expect(level["subject"] as? String == "{{ program_name }} - new level" && level["sender_name"] as? String == "Loyalty Program")
            let id = try #require(level["id"] as? String)

            let update = try await api.send(.put, "/api/DEFAULT/settings/emails/\(id)", master: true, json: """
                {"email":{"key":"new_level","subject":"New level!","content":"Hi, you reached {{ level_name }} ({{ level_discount }}).",
                          "sender_name":"Shop","sender_email":"shop@example.com"}}
                """)
            #expect(update.status == .ok && update.text == #"{"id":"\#(id)"}"#, "\(update.text)")
            let details = try await api.admin(.get, "/api/DEFAULT/settings/emails/\(id)").object()
            #expect((details["entity"] as? [String: Any])?["subject"] as? String == "New level!")
            let additional = try #require(details["additional"] as? [String: Any])
            #expect(additional["preview"] as? String == "Hi, you reached level_name (level_discount).")
            #expect(additional["variables"] as? [String] == ["program_name", "level_name", "level_discount", "ecommerce_address"])

            let redeemed = try #require(emails.first { $0["key"] as? String == "reward_redeemed" }?["id"] as? String)
            let missing = try await api.send(.put, "/api/DEFAULT/settings/emails/\(redeemed)", master: true,
                json: #"{"email":{"key":"reward_redeemed","subject":"R","content":"C","sender_name":"S","sender_email":"not-an-email"}}"#)
            #expect(missing.text == #"{"form":{"children":{"key":{},"subject":{},"content":{},"sender_name":{},"sender_email":{"errors":["This value is not a valid email address."]},"receiver_email":{"errors":["This value should not be blank."]}}},"errors":[]}"#)
            #expect(try await api.admin(.get, "/api/DEFAULT/settings/emails/\(UUID().text)").status == .badRequest)
            #expect(try await api.admin(.get, "/api/DEFAULT/settings/emails").object()["total"] as? Int == 8)
        }
    }
}
