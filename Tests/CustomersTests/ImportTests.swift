import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Customer XML import (C35)")
struct ImportTests {
    @Test func eachRecordStandsAlone() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "taken@example.com")
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <customers>
                  <customer>
                    <email>one@example.com</email><firstName>One &amp; Only</firstName><lastName>First</lastName><active>1</active>
                    <agreement1>1</agreement1><gender>female</gender><birthDate>1990-05-06</birthDate><phone>+48500100200</phone>
                    <address><city>Gdansk</city><country>PL</country></address>
                    <labels><label><key>vip</key><value>yes</value></label></labels>
                  </customer>
                  <customer>
                    <email>two@example.com</email><firstName>Two</firstName><lastName>Second</lastName><active>0</active>
                    <agreement1>1</agreement1><gender>male</gender>
                  </customer>
                  <customer>
                    <email>bad-date@example.com</email><firstName>B</firstName><lastName>D</lastName><active>1</active>
                    <agreement1>1</agreement1><gender>male</gender><birthDate>06.05.1990</birthDate>
                  </customer>
                  <customer>
                    <email>no-gender@example.com</email><firstName>N</firstName><lastName>G</lastName><active>1</active><agreement1>1</agreement1>
                  </customer>
                  <customer>
                    <email>taken@example.com</email><firstName>T</firstName><lastName>K</lastName><active>1</active>
                    <agreement1>1</agreement1><gender>male</gender>
                  </customer>
                </customers>
                """
            let response = try await api.upload("/api/DEFAULT/admin/customer/import", field: "file[file]", filename: "c.xml", bytes: Array(xml.utf8))
            #expect(response.status == .ok, "\(response.text)")
            let report = try response.object()
            #expect(report["totalProcessed"] as? Int == 5 && report["totalSuccess"] as? Int == 2 && report["totalFailed"] as? Int == 3)
            let items = try #require(report["items"] as? [[String: Any]])
            #expect(items.map { $0["identifier"] as? String } == ["one@example.com", "two@example.com", "bad-date@example.com", "no-gender@example.com", "taken@example.com"])
            #expect(items.map { $0["status"] as? String } == ["success", "success", "error", "error", "error"])
            #expect(items[2]["message"] as? String == "Convert exception: birthDate has invalid date format (Y-m-d required)")
            #expect(items[3]["message"] as? String == "Convert exception: gender is required node")
            #expect(items[4]["message"] as? String == "email: This value is already used.")
            func object(_ item: [String: Any]) -> UUID? {
                guard let result = item["processImportResult"] as? [String: Any], let text = result["object"] as? String else { return nil }
                return UUID(uuidString: text)
            }
            let one = try #require(object(items[0]))
            let customer = try await api.details(one)
            #expect(customer["firstName"] as? String == "One & Only" && customer["active"] as? Bool == true)
            #expect((customer["address"] as? [String: String])?["city"] == "Gdansk")
            #expect((customer["labels"] as? [[String: String]]) == [["key": "vip", "value": "yes"]])
            let two = try #require(object(items[1]))
            #expect(try await api.details(two)["active"] as? Bool == false)
            #expect(try await api.count("SELECT count(*) FROM customers.customers") == 3)

            let broken = try await api.upload("/api/DEFAULT/admin/customer/import", field: "file[file]", filename: "c.xml", bytes: Array("<customers><customer>".utf8))
            #expect(broken.status == .badRequest)
            #expect(try await api.admin(.post, "/api/DEFAULT/admin/customer/import").status == .badRequest)
        }
    }
}

@Suite("Customer XML import: the activation e-mail (C35 sendActivationMail)")
struct ImportActivationMailTests {
    func mail(_ api: CustomersAPI) throws -> [OutboxMessage] {
        try api.runtime.outbox.messages(.mail)
    }

    func record(_ email: String, active: Int, send: String?) -> String {
        let flag = send.map { "<sendActivationMail>\($0)</sendActivationMail>" } ?? ""
        return """
            <customer><email>\(email)</email><firstName>F</firstName><lastName>L</lastName><active>\(active)</active>\(flag)
            <agreement1>1</agreement1><gender>male</gender></customer>
            """
    }

    @Test func onlyInactiveRecordsAskingForItAreMailed() async throws {
        try await CustomersAPI.run { api in
            let xml = "<customers>" + [
                record("asks@example.com", active: 0, send: "1"),
                record("declines@example.com", active: 0, send: "0"),
                record("silent@example.com", active: 0, send: nil),
                record("active@example.com", active: 1, send: "true"),
                record("garbled@example.com", active: 0, send: "maybe"),
            ].joined() + "</customers>"
            let response = try await api.upload("/api/DEFAULT/admin/customer/import", field: "file[file]", filename: "c.xml", bytes: Array(xml.utf8))
            let items = try #require(try response.object()["items"] as? [[String: Any]])
            #expect(items.map { $0["status"] as? String } == ["success", "success", "success", "success", "error"])
            #expect(items[4]["message"] as? String == "Convert exception: sendActivationMail has invalid value")

            let token = try await api.pool.query(
                "SELECT activation_token FROM customers.customers WHERE email = 'asks@example.com'"
            ).scalar(String.self)
            let sent = try mail(api)
            #expect(sent.map(\.to) == ["asks@example.com"])
            #expect(sent.first?.data["url"] == "/api/DEFAULT/customer/activate/\(token)")
            // Records that did not ask get no token either: an admin activates them (C09).
            #expect(try await api.count("SELECT count(*) FROM customers.customers WHERE activation_token IS NOT NULL") == 1)
            #expect(try await api.count("SELECT count(*) FROM customers.customers WHERE status = 'new'") == 3)
            // The mailed link activates the imported customer.
            #expect(try await api.send(.post, "/api/DEFAULT/customer/activate/\(token)").status == .ok)
            #expect(try await api.count("SELECT count(*) FROM customers.customers WHERE status = 'new'") == 2)
        }
    }

    @Test func anImportMailsEvenWhenTheStoreActivatesBySMS() async throws {
        try await CustomersAPI.run { api in
            try await api.setSettings(#"{"accountActivationMethod":"sms"}"#)
            let xml = "<customers>" + record("nophone@example.com", active: 0, send: "1") + record("quiet@example.com", active: 0, send: "0") + "</customers>"
            let response = try await api.upload("/api/DEFAULT/admin/customer/import", field: "file[file]", filename: "c.xml", bytes: Array(xml.utf8))
            let items = try #require(try response.object()["items"] as? [[String: Any]])
            #expect(items.map { $0["status"] as? String } == ["success", "success"], "\(items)")
            #expect(try mail(api).map(\.to) == ["nophone@example.com"])
        }
    }
}
