import Customers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import TestSupport
import Testing

/// The write endpoints of levels, POS, sellers, segments and customer assignments take the same request as a
/// bracket form and as JSON, and answer the documented body either way (extensions §0.3, customers §0.2).
@Suite("Both body encodings for every write endpoint")
struct BodyEncodingTests {
    /// One request, as a form and as JSON, with the documented answer: an exact body, or the keys of an object.
    struct Case: CustomStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        let form: String
        let json: String
        let status: HTTPResponse.Status
        var body: String?
        var keys: Set<String>?
        var caller: Caller = .admin

        enum Caller { case admin, seller }

        var description: String { "\(method) \(path) [\(form)]" }
    }

    func check(_ test: Case, api: CustomersAPI, seller: String) async throws {
        for (form, json) in [(Optional(test.form), String?.none), (nil, Optional(test.json))] {
            let response = test.caller == .admin
                ? try await api.send(test.method, test.path, master: true, json: json, form: form)
                : try await api.send(test.method, test.path, token: seller, json: json, form: form)
            let encoding = json == nil ? "form" : "json"
            #expect(response.status == test.status, "\(encoding) \(test): \(response.text)")
            if let body = test.body { #expect(response.text == body, "\(encoding) \(test)") }
            if let keys = test.keys { #expect(Set(try response.object().keys) == keys, "\(encoding) \(test): \(response.text)") }
        }
    }

    @Test func levelsPosSellersAndAssignments() async throws {
        try await CustomersAPI.run { api in
            let pos = try await api.createPos()
            let level = try await api.createLevel("Gold", condition: "0")
            let customer = try await api.register(email: "both@example.com")
            let seller = try await api.sellerToken()
            let unknown = UUID().text
            var n = 0
            func next() -> Int { n += 1; return n }

            let location = #""location":{"street":"S","address1":"1","postal":"00-001","city":"Warsaw","province":"M","country":"PL"}"#
            let formLocation = "&pos[location][street]=S&pos[location][address1]=1&pos[location][postal]=00-001&pos[location][city]=Warsaw"
                + "&pos[location][province]=M&pos[location][country]=PL"
            let cases: [Case] = [
                // Levels (LV-02, LV-04, LV-05).
                Case(method: .post, path: "/api/DEFAULT/level/create",
                     form: "level[translations][en][name]=Silver&level[conditionValue]=10&level[reward][name]=R&level[reward][value]=5&level[reward][code]=C",
                     json: #"{"level":{"translations":{"en":{"name":"Silver"}},"conditionValue":10,"reward":{"name":"R","value":5,"code":"C"}}}"#,
                     status: .ok, keys: ["id"]),
                Case(method: .post, path: "/api/DEFAULT/level/create", form: "level[conditionValue]=-1", json: #"{"level":{"conditionValue":-1}}"#,
                     status: .badRequest, keys: ["form", "errors"]),
                Case(method: .put, path: "/api/DEFAULT/level/\(level.text)",
                     form: "level[translations][en][name]=Gold&level[conditionValue]=0&level[reward][name]=R&level[reward][value]=7&level[reward][code]=C&level[active]=1",
                     json: #"{"level":{"translations":{"en":{"name":"Gold"}},"conditionValue":0,"reward":{"name":"R","value":7,"code":"C"},"active":true}}"#,
                     status: .ok, body: #"{"id":"\#(level.text)"}"#),
                Case(method: .post, path: "/api/DEFAULT/level/\(level.text)/activate", form: "active=1", json: #"{"active":1}"#, status: .noContent, body: ""),
                Case(method: .post, path: "/api/DEFAULT/level/\(level.text)/activate", form: "other=1", json: #"{"other":1}"#,
                     status: .badRequest, body: #"{"active":"this field is required"}"#),
                // POS (PS-02, PS-05).
                Case(method: .post, path: "/api/DEFAULT/pos", form: "pos[name]=P&pos[identifier]=p" + formLocation,
                     json: #"{"pos":{"name":"P","identifier":"p",\#(location)}}"#, status: .ok, keys: ["posId"]),
                Case(method: .put, path: "/api/DEFAULT/pos/\(pos.text)", form: "pos[name]=P2&pos[identifier]=pos1" + formLocation,
                     json: #"{"pos":{"name":"P2","identifier":"pos1",\#(location)}}"#, status: .ok, body: #"{"posId":"\#(pos.text)"}"#),
                Case(method: .post, path: "/api/DEFAULT/pos", form: "pos[name]=P&pos[identifier]=p" + formLocation.replacingOccurrences(of: "=PL", with: "=Poland"),
                     json: #"{"pos":{"name":"P","identifier":"p",\#(location.replacingOccurrences(of: "\"PL\"", with: "\"Poland\""))}}"#,
                     status: .badRequest, keys: ["form", "errors"]),
                // Customer assignments (C19, C20, C30, C22).
                Case(method: .post, path: "/api/DEFAULT/customer/\(customer.text)/level", form: "levelId=\(level.text)",
                     json: #"{"levelId":"\#(level.text)"}"#, status: .ok, body: "[]"),
                Case(method: .post, path: "/api/DEFAULT/customer/\(customer.text)/level", form: "levelId=\(unknown)",
                     json: #"{"levelId":"\#(unknown)"}"#, status: .badRequest, body: #"{"levelId":"Level does not exist"}"#),
                Case(method: .post, path: "/api/DEFAULT/customer/\(customer.text)/pos", form: "posId=\(pos.text)",
                     json: #"{"posId":"\#(pos.text)"}"#, status: .ok, body: "[]"),
                Case(method: .post, path: "/api/DEFAULT/seller/customer/\(customer.text)/pos", form: "posId=\(pos.text)",
                     json: #"{"posId":"\#(pos.text)"}"#, status: .ok, body: "[]", caller: .seller),
                Case(method: .post, path: "/api/DEFAULT/customer/\(customer.text)/pushy-token", form: "customer[pushyToken]=device-1",
                     json: #"{"customer":{"pushyToken":"device-1"}}"#, status: .noContent, body: ""),
            ]
            for test in cases { try await check(test, api: api, seller: seller.token) }

            // Sellers (SL-02, SL-04): a new e-mail for each encoding.
            for encoding in ["form", "json"] {
                let email = "seller\(next())@example.com"
                let response = encoding == "form"
                    ? try await api.admin(.post, "/api/DEFAULT/seller/register",
                        form: "seller[firstName]=S&seller[lastName]=L&seller[email]=\(email)&seller[posId]=\(pos.text)&seller[plainPassword]=Secret1!x&seller[active]=1")
                    : try await api.admin(.post, "/api/DEFAULT/seller/register",
                        json: #"{"seller":{"firstName":"S","lastName":"L","email":"\#(email)","posId":"\#(pos.text)","plainPassword":"Secret1!x","active":true}}"#)
                #expect(response.status == .ok, "\(encoding): \(response.text)")
                let created = try response.object()
                #expect(Set(created.keys) == ["sellerId", "password", "email"] && created["email"] as? String == email, "\(encoding)")
                let id = try #require(created["sellerId"] as? String)
                let update = encoding == "form"
                    ? try await api.admin(.put, "/api/DEFAULT/seller/\(id)",
                        form: "seller[firstName]=T&seller[lastName]=L&seller[email]=\(email)&seller[posId]=\(pos.text)&seller[phone]=abc")
                    : try await api.admin(.put, "/api/DEFAULT/seller/\(id)",
                        json: #"{"seller":{"firstName":"T","lastName":"L","email":"\#(email)","posId":"\#(pos.text)","phone":"abc"}}"#)
                #expect(update.status == .badRequest, "\(encoding): \(update.text)")
                let phoneErrors = ((try update.object()["form"] as? [String: Any])?["children"] as? [String: Any])?["phone"] as? [String: Any]
                #expect(phoneErrors?["errors"] as? [String] == ["Incorrect phone number format, use +00000000000"], "\(encoding)")
            }
        }
    }
}
