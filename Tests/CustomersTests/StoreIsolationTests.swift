import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// Every endpoint naming a customer answers 404 for a customer of another store, and changes nothing
/// (decision customers A23 and §0.3).
@Suite("Store isolation of every customer endpoint")
struct StoreIsolationTests {
    /// One request against the customer `id` from the store `OTHER`.
    struct Probe: CustomStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        var body: Body = .form("customer[firstName]=X")
        var caller: Caller = .admin

        enum Body {
            case form(String)
            case json(String)
            case multipart(field: String)
        }

        enum Caller {
            case admin, seller, merchant
        }

        var description: String { "\(method) \(path)" }
    }

    static func probes(_ id: String) -> [Probe] {
        [
            Probe(method: .get, path: "/api/OTHER/customer/\(id)"),
            Probe(method: .put, path: "/api/OTHER/customer/\(id)"),
            Probe(method: .put, path: "/api/OTHER/customer/\(id)", body: .json(#"{"customer":{"firstName":"X"}}"#)),
            Probe(method: .delete, path: "/api/OTHER/customer/\(id)"),
            Probe(method: .get, path: "/api/OTHER/admin/customer/\(id)/history"),
            Probe(method: .post, path: "/api/OTHER/admin/customer/\(id)/activate"),
            Probe(method: .post, path: "/api/OTHER/admin/customer/\(id)/deactivate"),
            Probe(method: .post, path: "/api/OTHER/admin/customer/\(id)/anonymize"),
            Probe(method: .post, path: "/api/OTHER/admin/customer/\(id)/send-sms-code"),
            Probe(method: .post, path: "/api/OTHER/seller/customer/\(id)/activate", caller: .seller),
            Probe(method: .post, path: "/api/OTHER/seller/customer/\(id)/deactivate", caller: .seller),
            Probe(method: .post, path: "/api/OTHER/seller/customer/\(id)/send-sms-code", caller: .seller),
            Probe(method: .post, path: "/api/OTHER/seller/customer/\(id)/pos", body: .form("posId=\(UUID().text)"), caller: .seller),
            Probe(method: .get, path: "/api/OTHER/customer/\(id)/avatar"),
            Probe(method: .post, path: "/api/OTHER/customer/\(id)/avatar", body: .multipart(field: "avatar[file]")),
            Probe(method: .delete, path: "/api/OTHER/customer/\(id)/avatar"),
            Probe(method: .get, path: "/api/OTHER/customer/\(id)/pushy-token"),
            Probe(method: .post, path: "/api/OTHER/customer/\(id)/pushy-token", body: .form("customer[pushyToken]=t")),
            Probe(method: .delete, path: "/api/OTHER/customer/\(id)/pushy-token/t"),
            Probe(method: .post, path: "/api/OTHER/customer/\(id)/level", body: .form("levelId=\(UUID().text)")),
            Probe(method: .post, path: "/api/OTHER/customer/\(id)/remove-manually-level"),
            Probe(method: .post, path: "/api/OTHER/customer/\(id)/pos", body: .form("posId=\(UUID().text)")),
            Probe(method: .get, path: "/enterprise/customers/\(id)", caller: .merchant),
            Probe(method: .get, path: "/enterprise/customers/\(id)/profiles", caller: .merchant),
            Probe(method: .get, path: "/enterprise/customers/\(id)/activities", caller: .merchant),
            Probe(
                method: .post, path: "/enterprise/loyalty/customer_minimum_vip_tiers",
                body: .json(#"{"customerIdentifier":{"loyaltyCustomerId":"\#(id)"},"minimumVipTierName":null}"#), caller: .merchant
            ),
        ]
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32)

    @Test func aCustomerOfAnotherStoreIsNotFoundEverywhere() async throws {
        try await CustomersAPI.run { api in
            try await api.createStore("OTHER")
            let id = try await api.register(email: "iso@example.com", extra: "&customer[phone]=%2B48500100200")
            let before = try await api.details(id)
            let eventsBefore = try await api.events(of: id)
            let seller = try await api.sellerToken(store: "OTHER")
            let merchant = try await api.merchantHeaders(store: "OTHER")

            for probe in Self.probes(id.text) {
                var headers: HTTPFields = [:]
                var body: ByteBuffer?
                switch probe.caller {
                case .admin: headers[.authToken] = TestKeys.masterKey
                case .seller: headers[.authorization] = "Bearer \(seller.token)"
                case .merchant: headers = merchant
                }
                switch probe.body {
                case .form(let text):
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    body = ByteBuffer(string: text)
                case .json(let text):
                    headers[.contentType] = "application/json"
                    body = ByteBuffer(string: text)
                case .multipart(let field):
                    let boundary = "----isolation"
                    var bytes = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
                    bytes += Self.png + Array("\r\n--\(boundary)--\r\n".utf8)
                    headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                    body = ByteBuffer(bytes: bytes)
                }
                let response = try await api.client.execute(uri: probe.path, method: probe.method, headers: headers, body: body) { $0 }
                #expect(response.status == .notFound, "\(probe): \(response.status) \(response.text)")
                #expect(response.text == #"{"error":{"code":404,"message":"Not Found"}}"#, "\(probe)")
            }

            // Nothing happened to the customer.
            #expect(try await api.events(of: id) == eventsBefore)
            let after = try await api.details(id)
            for key in ["firstName", "email", "phone", "active", "levelId", "posId"] {
                #expect("\(before[key] ?? "nil")" == "\(after[key] ?? "nil")", "\(key) changed")
            }
            #expect(try await api.admin(.get, "/api/DEFAULT/customer/\(id.text)/avatar").status == .notFound)
            #expect(try await api.admin(.get, "/api/DEFAULT/customer/\(id.text)/pushy-token").text == #"{"tokens":[]}"#)
        }
    }

    /// Levels, segments, POS and sellers of `DEFAULT` are unknown in `OTHER`: 404 and no change.
    @Test func levelsSegmentsPosAndSellersOfAnotherStoreAreNotFound() async throws {
        try await CustomersAPI.run { api in
            try await api.createStore("OTHER")
            let level = try await api.createLevel("Gold", condition: "0")
            let pos = try await api.createPos()
            let segment = try await api.createSegment(#"{"segment":{"name":"All","active":true,"parts":[{"criteria":[{"type":"transaction_count","min":0,"max":9}]}]}}"#)
            let seller = try await api.admin(.post, "/api/DEFAULT/seller/register",
                form: "seller[firstName]=S&seller[lastName]=L&seller[email]=s@example.com&seller[posId]=\(pos.text)&seller[plainPassword]=Secret1!x&seller[active]=1")
            let sellerID = try #require(try seller.object()["sellerId"] as? String)
            let levelForm = "level[translations][en][name]=X&level[conditionValue]=1&level[reward][name]=R&level[reward][value]=1&level[reward][code]=C"
            let probes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/OTHER/level/\(level.text)", nil),
                (.put, "/api/OTHER/level/\(level.text)", levelForm),
                (.post, "/api/OTHER/level/\(level.text)/activate", "active=0"),
                (.get, "/api/OTHER/level/\(level.text)/customers", nil),
                (.get, "/api/OTHER/level/\(level.text)/photo", nil),
                (.delete, "/api/OTHER/level/\(level.text)/photo", nil),
                (.get, "/api/OTHER/csv/level/\(level.text)", nil),
                (.get, "/api/OTHER/seller/level/\(level.text)", nil),
                (.get, "/api/OTHER/segment/\(segment.text)", nil),
                (.put, "/api/OTHER/segment/\(segment.text)", "segment[name]=X&segment[parts][0][criteria][0][type]=transaction_count&segment[parts][0][criteria][0][min]=0&segment[parts][0][criteria][0][max]=1"),
                (.post, "/api/OTHER/segment/\(segment.text)/activate", nil),
                (.post, "/api/OTHER/segment/\(segment.text)/deactivate", nil),
                (.get, "/api/OTHER/segment/\(segment.text)/customers", nil),
                (.get, "/api/OTHER/csv/segment/\(segment.text)", nil),
                (.delete, "/api/OTHER/segment/\(segment.text)", nil),
                (.get, "/api/OTHER/pos/\(pos.text)", nil),
                (.get, "/api/OTHER/pos/identifier/pos1", nil),
                (.put, "/api/OTHER/pos/\(pos.text)", CustomersAPI.posForm),
                (.get, "/api/OTHER/seller/pos/\(pos.text)", nil),
                (.get, "/api/OTHER/seller/\(sellerID)", nil),
                (.put, "/api/OTHER/seller/\(sellerID)", "seller[firstName]=X&seller[lastName]=Y&seller[email]=s@example.com&seller[posId]=\(pos.text)"),
                (.post, "/api/OTHER/seller/\(sellerID)/activate", nil),
                (.post, "/api/OTHER/seller/\(sellerID)/deactivate", nil),
                (.post, "/api/OTHER/seller/\(sellerID)/delete", nil),
            ]
            let eventsBefore = try await api.count("SELECT count(*) FROM suite.events")
            for (method, path, form) in probes {
                let response = try await api.admin(method, path, form: form)
                #expect(response.status == .notFound, "\(method) \(path): \(response.status) \(response.text)")
            }
            #expect(try await api.count("SELECT count(*) FROM suite.events") == eventsBefore)
            #expect(try await api.admin(.get, "/api/DEFAULT/level/\(level.text)").object()["active"] as? Bool == true)
            #expect(try await api.admin(.get, "/api/DEFAULT/segment/\(segment.text)").object()["active"] as? Bool == true)
            #expect(try await api.admin(.get, "/api/DEFAULT/pos/\(pos.text)").object()["name"] as? String == "Main")
            let sellerAfter = try await api.admin(.get, "/api/DEFAULT/seller/\(sellerID)").object()
            #expect(sellerAfter["firstName"] as? String == "S" && sellerAfter["active"] as? Bool == true && sellerAfter["deleted"] as? Bool == false)
        }
    }
}
