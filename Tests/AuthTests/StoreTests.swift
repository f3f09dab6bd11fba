import Auth
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Store API (EP-25…28)")
struct StoreTests {
    static let schemaChildren = #""code":{},"name":{},"currency":{},"active":{}"#

    @Test("A store creation retried with the same Idempotency-Key creates one store and replays its id")
    func idempotentCreation() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "store-1"]
            let form = "store[code]=once&store[name]=Once&store[currency]=eur&store[active]=1"
            let first = try await api.send(.post, "/api/store", token: token, form: form, headers: key)
            let again = try await api.send(.post, "/api/store", token: token, form: form, headers: key)
            #expect(first.status == .ok && again.text == first.text)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await api.pool.query("SELECT count(*) FROM auth.stores WHERE code = 'once'").scalar(Int.self) == 1)
        }
    }

    @Test func storesAreCreatedShownListedAndUpdated() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let create = try await api.send(.post, "/api/store", token: token, form: "store[code]=store_code&store[name]=Store+name&store[currency]=eur&store[active]=1")
            #expect(create.status == .ok)
            let id = try #require(try create.object()["storeId"] as? String)
            #expect(create.text == #"{"storeId":"\#(id)"}"#)
            let created = try await api.pool.query("SELECT created_at FROM auth.stores WHERE id = \(id)::uuid").scalar(Date.self)

            let shown = try await api.send(.get, "/api/store/\(id)", token: token)
            #expect(shown.text == #"{"active":true,"code":"store_code","createdAt":"\#(compact(created))","currency":"EUR","name":"Store name","storeId":"\#(id)"}"#)

            let update = try await api.send(.put, "/api/store/\(id)", token: token, form: "store[name]=New+name&store[active]=0")
            #expect(update.status == .noContent)
            let updated = try await api.send(.get, "/api/store/\(id)", token: token).object()
            #expect(updated["name"] as? String == "New name")
            #expect(updated["active"] as? Bool == false)
            #expect(updated["code"] as? String == "store_code", "not sent: kept")
            #expect(try await api.send(.put, "/api/store/\(id)", token: token, json: #"{"store":{"active":"active","currency":"PLN"}}"#).status == .noContent)

            let all = try await api.send(.get, "/api/store?sort=code&direction=DESC", token: token).object()
            #expect((all["stores"] as? [[String: Any]])?.map { $0["code"] as? String } == ["store_code", "DEFAULT"])
            #expect(all["total"] as? Int == 2)
            let filtered = try await api.send(.get, "/api/store?name=new&perPage=1", token: token).object()
            #expect((filtered["stores"] as? [[String: Any]])?.first?["currency"] as? String == "PLN")
            #expect(filtered["total"] as? Int == 1)
            let inactive = try await api.send(.get, "/api/store?active=0", token: token).object()
            #expect(inactive["total"] as? Int == 0)

            #expect(try await api.send(.get, "/api/store/\(UUID())", token: token).status == .notFound)
            #expect(try await api.send(.put, "/api/store/\(UUID())", token: token, form: "store[name]=x").status == .notFound)
            let types = try await api.pool.query("SELECT type FROM suite.events WHERE aggregate_type = 'store' ORDER BY id").map { try $0.decode(String.self, "type") }
            #expect(types == ["StoreWasCreated", "StoreWasUpdated", "StoreWasUpdated"])
        }
    }

    @Test func formErrorsForMissingReservedDuplicateAndInvalidValues() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let before = try await api.count("auth.stores")
            let empty = try await api.send(.post, "/api/store", token: token)
            #expect(empty.text == #"{"form":{"children":{\#(Self.schemaChildren)}},"errors":[]}"#)
            let blank = try await api.send(.post, "/api/store", token: token, form: "store[code]=&store[active]=maybe")
            #expect(blank.text == """
                {"form":{"children":{"code":{"errors":["This value should not be blank."]},"name":{"errors":["This value should not be blank."]},\
                "currency":{"errors":["This value should not be blank."]},"active":{"errors":["This value is not valid."]}}},"errors":[]}
                """)
            let reserved = try await api.send(.post, "/api/store", token: token, form: "store[code]=Store&store[name]=x&store[currency]=EURO")
            #expect(reserved.text == """
                {"form":{"children":{"code":{"errors":["This value is reserved."]},"name":{},"currency":{"errors":["This value is not a valid currency."]},"active":{}}},"errors":[]}
                """)
            let duplicate = try await api.send(.post, "/api/store", token: token, form: "store[code]=DEFAULT&store[name]=x&store[currency]=EUR")
            #expect(duplicate.text == #"{"form":{"children":{"code":{"errors":["This value is already used."]},"name":{},"currency":{},"active":{}}},"errors":[]}"#)
            let invalid = try await api.send(.post, "/api/store", token: token, form: "store[code]=a/b&store[name]=x&store[currency]=EUR")
            #expect(invalid.text.contains(#""code":{"errors":["This value is not valid."]}"#))
            #expect(try await api.count("auth.stores") == before)
        }
    }

    @Test func deactivatingAStoreTakesItsEndpointsOffline() async throws {
        try await AuthAPI.run { api in
            let id = try await api.createStore(code: "SHOP")
            try await api.registerCustomer(store: "SHOP", email: "c@example.com")
            _ = try await api.logIn("/api/SHOP/customer/login_check", username: "c@example.com", password: "Secret1!")
            #expect(try await api.asMaster(.put, "/api/store/\(id)", form: "store[active]=inactive").status == .noContent)
            let offline = try await api.send(.post, "/api/SHOP/customer/login_check", form: "_username=c@example.com&_password=Secret1!")
            #expect(offline.status == .notFound)
        }
    }

    @Test func aCustomerTokenOfOneStoreIsRefusedOnAnother() async throws {
        try await AuthAPI.run { api in
            _ = try await api.createStore(code: "B")
            try await api.registerCustomer(email: "a@example.com")
            let token = try await api.logIn("/api/DEFAULT/customer/login_check", username: "a@example.com", password: "Secret1!").token
            let other = try await api.send(.post, "/api/B/customer/password/change", token: token, form: "currentPassword=Secret1!&plainPassword=N3w-password")
            #expect(other.status == .forbidden)
            #expect(other.text == #"{"error":{"code":403,"message":"Forbidden"}}"#)
            let own = try await api.send(.post, "/api/DEFAULT/customer/password/change", token: token, form: "currentPassword=Secret1!&plainPassword=N3w-password")
            #expect(own.status == .ok)
        }
    }

    private func compact(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return formatter.string(from: date)
    }
}
