import Customers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// The `new_level` e-mail of extensions §1.5: automatic moves only, from the committed events.
@Suite("The new_level e-mail after automatic level moves")
struct NewLevelMailTests {
    func levelMails(_ api: CustomersAPI) throws -> [OutboxMessage] {
        // The outbox's own reader skips files still being written.
        try api.runtime.outbox.messages(.mail)
            .filter { $0.template == "new_level" }
            .sorted { $0.createdAt < $1.createdAt }
    }

    @Test func automaticMovesAreMailedManualOnesAndTheStartLevelAreNot() async throws {
        try await CustomersAPI.run { api in
            let bronze = try await api.createLevel("Bronze", condition: "0", percent: "1")
            _ = try await api.createLevel("Silver", condition: "100", percent: "5")
            let customer = try await api.register(email: "climber@example.com")
            #expect(try await api.levelID(of: customer) == bronze)

            // A sale lifts the customer to Silver: one mail with the template's variables.
            try await api.sale(customer, amount: "150", total: "150")
            #expect(try await eventually { try levelMails(api).count == 1 })
            let first = try #require(try levelMails(api).first)
            #expect(first.to == "climber@example.com" && first.subject == "Loyalty Program - new level")
            #expect(first.data["level_name"] == "Silver" && first.data["level_discount"] == "5.00%" && first.data["program_name"] == "Loyalty Program")

            // An edited `new_level` template (EM-03) is used, its variables filled in.
            let emails = try #require(try await api.admin(.get, "/api/DEFAULT/settings/emails").object()["emails"] as? [[String: Any]])
            let templateID = try #require(emails.first { $0["key"] as? String == "new_level" }?["id"] as? String)
            let edit = try await api.admin(.put, "/api/DEFAULT/settings/emails/\(templateID)", form: "email[key]=new_level"
                + "&email[subject]=Welcome to {{ level_name }}&email[content]=Enjoy {{level_discount}} off, {{ program_name }}."
                + "&email[sender_name]=Shop&email[sender_email]=shop@example.com")
            #expect(edit.status == .ok, "\(edit.text)")

            // A manual move sends nothing; removing it recalculates automatically (back to Silver) and mails.
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(customer.text)/level", form: "levelId=\(bronze.text)").status == .ok)
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(customer.text)/remove-manually-level").status == .noContent)
            #expect(try await eventually { try levelMails(api).count == 2 })
            #expect(try levelMails(api).map { $0.data["level_name"] } == ["Silver", "Silver"])
            let second = try levelMails(api)[1]
            #expect(second.subject == "Welcome to Silver" && second.body == "Enjoy 5.00% off, Loyalty Program.")
            // The registration's start level was never mailed.
            #expect(try levelMails(api).allSatisfy { $0.data["level_name"] != "Bronze" })
        }
    }
}
