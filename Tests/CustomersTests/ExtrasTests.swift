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
    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    /// Sends one file as multipart/form-data with the master key.
    func upload(_ uri: String, method: HTTPRequest.Method = .post, field: String, filename: String, bytes: [UInt8]) async throws -> TestResponse {
        let boundary = "----test\(UUID().uuidString)"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .authToken: TestKeys.masterKey]
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body)) { $0 }
    }
}

@Suite("Avatar, push tokens, history, registrations, invitations (C04, C15, C16–C18, C21–C23, C41)")
struct ExtrasTests {
    @Test func avatarLifecycle() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "face@example.com")
            let path = "/api/DEFAULT/customer/\(id.text)/avatar"
            #expect(try await api.admin(.get, path).status == .notFound)
            let set = try await api.upload(path, field: "avatar[file]", filename: "me.png", bytes: CustomersAPI.png)
            #expect(set.status == .noContent, "\(set.text)")
            let image = try await api.admin(.get, path)
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/png")
            #expect(Array(image.body.readableBytesView) == CustomersAPI.png)
            let bad = try await api.upload(path, field: "avatar[file]", filename: "x.txt", bytes: Array("hello".utf8))
            #expect(bad.status == .badRequest)
            #expect(try await api.admin(.delete, path).status == .noContent)
            #expect(try await api.admin(.delete, path).status == .notFound)
            #expect(try await api.events(of: id).suffix(2) == ["CustomerAvatarWasSet", "CustomerAvatarWasRemoved"])
        }
    }

    @Test func pushTokens() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "push@example.com")
            let path = "/api/DEFAULT/customer/\(id.text)/pushy-token"
            #expect(try await api.admin(.get, path).text == #"{"tokens":[]}"#)
            #expect(try await api.admin(.post, path, form: "customer[pushyToken]=abc").status == .noContent)
            #expect(try await api.admin(.post, path, form: "customer[pushyToken]=abc").status == .noContent)
            let token = try await api.customerToken(id)
            #expect(try await api.send(.post, path, token: token, form: "customer[pushyToken]=def").status == .noContent)
            #expect(try await api.admin(.get, path).text == #"{"tokens":["abc","def"]}"#)
            #expect(try await api.admin(.delete, path + "/abc").status == .noContent)
            #expect(try await api.admin(.get, path).text == #"{"tokens":["def"]}"#)
            #expect(try await api.admin(.post, path).status == .badRequest)
            #expect(try await api.events(of: id).filter { $0.hasPrefix("CustomerPushyToken") } == [
                "CustomerPushyTokenWasAdded", "CustomerPushyTokenWasAdded", "CustomerPushyTokenWasRemoved",
            ])
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(UUID().text)/pushy-token", form: "customer[pushyToken]=x").status == .notFound)
        }
    }

    @Test func historyIsTheCustomersEventsNewestFirst() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "hist@example.com")
            try await api.admin(.post, "/api/DEFAULT/admin/customer/\(id.text)/deactivate")
            try await api.appendLedgerEvent("PointsWereAdded", customer: id, payload: #"{"customerId":"\#(id.text)","points":10,"availableBalance":110,"comment":null}"#)
            let entries = try await api.admin(.get, "/api/DEFAULT/admin/customer/\(id.text)/history").array() as? [[String: Any]]
            let types = entries?.compactMap { $0["type"] as? String }
            #expect(types == ["PointsWereAdded", "CustomerWasDeactivated", "CustomerWasActivated", "CustomerWasRegistered"])
            let points = try #require(entries?.first)
            #expect(points["customerId"] as? String == id.text)
            #expect(points["pointsBalance"] as? Double == 110)
            #expect((points["flatVariables"] as? [String: Any])?["points"] as? Double == 10)
            #expect((points["variables"] as? [[String: Any]])?.contains { $0["key"] as? String == "comment" && $0["value"] == nil } == true)
            #expect(((entries?[1])?["flatVariables"] as? [Any])?.isEmpty == true)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/customer/\(UUID().text)/history").status == .notFound)
        }
    }

    @Test func registrationsPerDay() async throws {
        try await CustomersAPI.run { api in
            try await api.register(email: "r1@example.com")
            try await api.register(email: "r2@example.com")
            let old = try await api.register(email: "r3@example.com")
            try await api.pool.execute("UPDATE customers.customers SET created_at = now() - interval '3 days' WHERE id = \(old)")
            let days = try await api.admin(.get, "/api/DEFAULT/customer/registrations?interval=day&lastDays=7")
            #expect(days.status == .ok)
            let text = days.text
            let counts = try days.object() as? [String: Int]
            #expect(counts?.count == 7)
            #expect(counts?.values.reduce(0, +) == 3)
            let keys = text.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            #expect(keys == keys.sorted())
            #expect(keys.last?.count == 10)
            let months = try await api.admin(.get, "/api/DEFAULT/customer/registrations?interval=month&lastDays=1").object() as? [String: Int]
            #expect(months?.count == 1 && months?.values.first == 2)
            #expect(try await api.admin(.get, "/api/DEFAULT/customer/registrations?interval=week").status == .badRequest)
        }
    }

    @Test func invitationsAreListedAndFollowTheReferral() async throws {
        try await CustomersAPI.run { api in
            let referrer = try await api.register(email: "ref@example.com", firstName: "John", lastName: "Doe")
            let storeID = try await api.storeID()
            let token = "8e3889f08265ec0c81e511e23cab94200a7d18b7"
            try await api.pool.execute("""
                INSERT INTO customers.invitations (store_id, id, referrer_id, recipient_email, token)
                VALUES (\(storeID), \(UUID()), \(referrer), 'friend@example.com', \(token))
                """)
            var list = try await api.admin(.get, "/api/DEFAULT/invitations?status=Invited").object()
            #expect(list["total"] as? Int == 1)
            let item = try #require((list["invitations"] as? [[String: Any]])?.first)
            #expect(item["referrerName"] as? String == "John Doe" && item["referrerEmail"] as? String == "ref@example.com")
            #expect(item["recipientId"] as? String == "" && item["status"] as? String == "invited" && item["token"] as? String == token)

            // The recipient registers with the token (C11): the invitation is attached.
            let response = try await api.admin(.post, "/api/DEFAULT/customer/register",
                form: "customer[firstName]=F&customer[lastName]=R&customer[email]=friend@example.com&customer[agreement1]=1&customer[invitationToken]=\(token)")
            #expect(response.status == .ok, "\(response.text)")
            let friend = try #require((try response.object()["customerId"] as? String).flatMap(UUID.init(uuidString:)))
            list = try await api.admin(.get, "/api/DEFAULT/invitations?status=Registered").object()
            #expect((list["invitations"] as? [[String: Any]])?.first?["recipientId"] as? String == friend.text)
            #expect(try await api.events(of: friend).contains("CustomerWasAttachedToInvitation"))
            // Its first purchase completes it.
            try await api.sale(friend, amount: "10", total: "10")
            #expect(try await eventually {
                try await api.count("SELECT count(*) FROM customers.invitations WHERE status = 'made_purchase'") == 1
            })
            #expect(try await api.admin(.get, "/api/DEFAULT/invitations?referrerEmail=ref@").object()["total"] as? Int == 1)
            #expect(try await api.admin(.get, "/api/DEFAULT/invitations?status=Bogus").status == .badRequest)
            let bad = try await api.admin(.post, "/api/DEFAULT/customer/register",
                form: "customer[firstName]=F&customer[lastName]=R&customer[email]=other@example.com&customer[agreement1]=1&customer[invitationToken]=nope")
            #expect(bad.status == .badRequest)
        }
    }
}
