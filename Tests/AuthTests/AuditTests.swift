import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Audit log (EP-14…18)")
struct AuditTests {
    /// Inserts an entry at a given time, as if recorded then.
    func insert(_ api: AuthAPI, _ event: String, entity: String = "customer", entityID: String = "", username: String = "admin", at time: String, data: String = "[]") async throws -> UUID {
        let id = UUID()
        try await api.pool.execute("""
            INSERT INTO auth.audit_log (id, created_at, event_type, entity_type, entity_id, username, user_id, user_type, data, ip)
            VALUES (\(id), \(time)::timestamptz, \(event), \(entity), \(entityID), \(username), \(AuthAPI.adminID), 'admin', \(data)::jsonb, '8.8.8.8')
            """)
        return id
    }

    @Test func entriesAreListedFilteredAndPaged() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            try await api.pool.execute("DELETE FROM auth.audit_log")
            let level = "000096cf-32a3-43bd-9034-4df343e5fd93"
            let first = try await insert(api, "RegisterCustomer", entityID: "00000000-0000-474c-b092-b0dd880c07e1", username: "<notlogged>", at: "2017-09-21T13:54:05Z", data: #"{"email":"a@example.com"}"#)
            let second = try await insert(api, "MoveCustomerToLevel", entityID: "00000000-0000-474c-b092-b0dd880c07e1", at: "2017-09-22T10:00:00Z", data: #"["\#(level)"]"#)
            _ = try await insert(api, "CreateLevel", entity: "level", at: "2017-09-23T10:00:00Z")

            let all = try await api.send(.get, "/api/audit/log", token: token)
            #expect(all.status == .ok)
            let logs = try #require(try all.object()["logs"] as? [[String: Any]])
            #expect(logs.count == 3)
            let page = try await api.send(.get, "/api/audit/log?entityType=customer&page=2&perPage=1&sort=createdAt&direction=DESC", token: token)
            #expect(page.text == """
                {"logs":[{"auditLogId":{"auditLogId":"\(first.uuidString.lowercased())"},"createdAt":"2017-09-21T13:54:05+0000",\
                "data":{"email":"a@example.com"},"entityId":"00000000-0000-474c-b092-b0dd880c07e1","entityType":"customer",\
                "eventType":"RegisterCustomer","username":"<notlogged>"}],"total":2}
                """)
            let byDay = try await api.send(.get, "/api/audit/log?createdAtFrom=2017-09-22&createdAtTo=2017-09-22", token: token).object()
            #expect((byDay["logs"] as? [[String: Any]])?.map { $0["eventType"] as? String } == ["MoveCustomerToLevel"])
            let byID = try await api.send(.get, "/api/audit/log?auditLogId=\(second.uuidString.lowercased())&eventType=MoveCustomerToLevel&username=admin", token: token).object()
            #expect(byID["total"] as? Int == 1)
            let defaultSort = try await api.send(.get, "/api/audit/log?sort=firstName", token: token)
            #expect(defaultSort.status == .ok)
            let badDate = try await api.send(.get, "/api/audit/log?createdAtFrom=yesterday", token: token)
            #expect(badDate.text == #"{"error":{"code":400,"message":"createdAtFrom must be a date (YYYY-MM-DD)"}}"#)
            let window = try await api.send(.get, "/api/audit/log?page=1001&perPage=10", token: token)
            #expect(window.text == #"{"error":{"code":400,"message":"Result window is too large"}}"#)
        }
    }

    @Test func exportIsCSVInTheDocumentedColumns() async throws {
        try await AuthAPI.run { api in
            try await api.pool.execute("DELETE FROM auth.audit_log")
            _ = try await api.send(.post, "/api/admin/login_check", form: "_username=admin&_password=nope", ip: "172.22.0.1")
            let token = try await api.logIn("/api/admin/login_check", username: "admin", password: "open").token
            try await api.pool.execute("UPDATE auth.audit_log SET created_at = '2020-03-13T11:12:58Z' WHERE event_type = 'AuthenticationSuccess'")
            try await api.pool.execute("UPDATE auth.audit_log SET created_at = '2020-03-13T11:12:29Z' WHERE event_type = 'AuthenticationFailure'")
            let ids = try await api.pool.query("SELECT id FROM auth.audit_log ORDER BY created_at").map { try $0.decode(UUID.self, "id").uuidString.lowercased() }

            let export = try await api.send(.get, "/api/audit/log/export?sort=createdAt&direction=DESC&page=3", token: token)
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            let ip = try await api.pool.query("SELECT ip FROM auth.audit_log WHERE event_type = 'AuthenticationSuccess'").scalar(String.self)
            #expect(export.text == """
                "Log ID",Username,"User type","User ID","Event type","Entity type","Entity ID","Created at","Additional information",IP
                \(ids[1]),admin,admin,\(AuthAPI.adminID),AuthenticationSuccess,user,,2020-03-13T11:12:58+00:00,[],\(ip)
                \(ids[0]),,admin,,AuthenticationFailure,user,,2020-03-13T11:12:29+00:00,[],172.22.0.1

                """)
            let filtered = try await api.send(.get, "/api/audit/log/export?eventType=AuthenticationFailure", token: token)
            #expect(filtered.text.split(separator: "\n").count == 2)

            let quoted = try await insert(api, "RegisterCustomer", username: "<notlogged>", at: "2020-01-01T00:00:00Z", data: #"{"firstName":"Ann, \"The\" Lee"}"#)
            let row = try await api.send(.get, "/api/audit/log/export?eventType=RegisterCustomer", token: token).text.split(separator: "\n").last
            #expect(row == #"\#(quoted.uuidString.lowercased()),<notlogged>,admin,\#(AuthAPI.adminID),RegisterCustomer,customer,,2020-01-01T00:00:00+00:00,"{""firstName"":""Ann, \""The\"" Lee""}",8.8.8.8"#)
        }
    }

    @Test func oldEntriesMoveToAnXMLArchiveThatCanBeListedAndDownloaded() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let old = try await insert(api, "AuthenticationFailure", entity: "user", username: "admin", at: "2019-03-06T11:12:29Z", data: #"{"note":"a < b & c"}"#)
            _ = try await insert(api, "ActivateCustomer", at: "2019-03-09T23:59:59Z")
            let kept = try await insert(api, "ActivateCustomer", at: "2019-03-10T00:00:00Z")

            let archive = try await api.send(.post, "/api/audit/log/archive", token: token, form: "archive[beforeDate]=2019-03-10")
            #expect(archive.status == .ok)
            #expect(archive.text == #"{"filename":"audit_log_archive_before_2019_03_10.xml","totalArchived":2}"#)
            let remaining = try await api.pool.query("SELECT count(*) FROM auth.audit_log WHERE id IN (\(old), \(kept))").scalar(Int.self)
            #expect(remaining == 1, "archived entries leave the live log")

            let again = try await api.send(.post, "/api/audit/log/archive", token: token, json: #"{"archive":{"beforeDate":"2019-03-10"}}"#)
            #expect(again.text == #"{"filename":"audit_log_archive_before_2019_03_10.xml","message":"Archive for this date range has already been generated.","totalArchived":0}"#)
            let nothing = try await api.send(.post, "/api/audit/log/archive", token: token, form: "archive[beforeDate]=2019-01-01")
            #expect(nothing.text == #"{"message":"No logs to archive from this time range. The file was not created.","totalArchived":0}"#)
            let invalid = try await api.send(.post, "/api/audit/log/archive", token: token, form: "archive[beforeDate]=10.03.2019")
            #expect(invalid.text == #"{"form":{"children":{"beforeDate":{"errors":["This value is not a valid date."]}}},"errors":[]}"#)

            let list = try await api.send(.get, "/api/audit/log/archive", token: token)
            #expect(list.text == #"{"archives":["audit_log_archive_before_2019_03_10.xml"],"total":1}"#)
            let download = try await api.send(.get, "/api/audit/log/archive/audit_log_archive_before_2019_03_10.xml", token: token)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/xml; charset=utf-8")
            #expect(download.text.hasPrefix("""
                <?xml version="1.0" encoding="UTF-8"?>
                <log>
                 <entry id="\(old.uuidString.lowercased())" createdAt="2019-03-06T11:12:29+00:00">
                  <user>admin</user>
                  <userId>\(AuthAPI.adminID)</userId>
                  <userType>admin</userType>
                  <event>AuthenticationFailure</event>
                  <entityType>user</entityType>
                  <entityId/>
                  <data>{&quot;note&quot;:&quot;a &lt; b &amp; c&quot;}</data>
                  <origin>8.8.8.8</origin>
                 </entry>
                """))
            #expect(download.text.hasSuffix(" </entry>\n</log>\n"))
            let file = api.runtime.configuration.dataDirectory.appendingPathComponent("audit-archives/audit_log_archive_before_2019_03_10.xml")
            #expect(FileManager.default.fileExists(atPath: file.path))
            for name in ["audit_log_archive_before_2019_01_01.xml", "..%2F..%2Fetc%2Fpasswd", "other.xml"] {
                #expect(try await api.send(.get, "/api/audit/log/archive/\(name)", token: token).status == .notFound)
            }
        }
    }

    @Test func adminActionsAreAuditedWithWhoWhatAndWhere() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let response = try await api.send(.post, "/api/store", token: token, form: "store[code]=AUD&store[name]=Audited&store[currency]=EUR", ip: "192.0.2.44")
            let store = try #require(try response.object()["storeId"] as? String)
            let row = try #require(try await api.pool.query("""
                SELECT username, user_id, user_type, entity_type, entity_id, ip, data->>'code' AS code FROM auth.audit_log WHERE event_type = 'CreateStore'
                """).firstRow)
            #expect(try row.decode(String.self, "username") == "admin")
            #expect(try row.decode(String.self, "user_id") == AuthAPI.adminID)
            #expect(try row.decode(String.self, "user_type") == "admin")
            #expect(try row.decode(String.self, "entity_type") == "store")
            #expect(try row.decode(String.self, "entity_id") == store)
            #expect(try row.decode(String.self, "ip") == "192.0.2.44")
            #expect(try row.decode(String.self, "code") == "AUD")
        }
    }
}
