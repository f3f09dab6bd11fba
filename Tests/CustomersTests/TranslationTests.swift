import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Translations (ST-15, ST-16)")
struct TranslationTests {
    @Test func crudAndTheDefault() async throws {
        try await CustomersAPI.run { api in
            #expect(try await api.send(.get, "/api/DEFAULT/translations").text == "{}")
            let english = try await api.send(.post, "/api/DEFAULT/admin/translations", master: true,
                json: #"{"translation":{"name":"English","code":"en","order":1,"content":{"hello":"Hello"}}}"#)
            #expect(english.status == .ok && english.text == #"{"code":"en"}"#, "\(english.text)")
            let polish = try await api.admin(.post, "/api/DEFAULT/admin/translations",
                form: "translation[name]=Polski&translation[code]=pl&translation[order]=2&translation[content]=%7B%22hello%22%3A%22Cze%C5%9B%C4%87%22%7D")
            #expect(polish.status == .ok, "\(polish.text)")
            let list = try await api.admin(.get, "/api/DEFAULT/admin/translations").object()
            #expect(list["total"] as? Int == 2)
            #expect((list["translations"] as? [[String: Any]])?.map { $0["default"] as? Bool } == [true, false])
            #expect(try await api.send(.get, "/api/DEFAULT/translations").text == #"{"hello":"Hello"}"#)
            #expect(try await api.send(.get, "/api/DEFAULT/translations?_locale=pl").text == #"{"hello":"Cześć"}"#)
            let details = try await api.admin(.get, "/api/DEFAULT/admin/translations/pl").object()
            #expect(details["name"] as? String == "Polski" && (details["content"] as? [String: String]) == ["hello": "Cześć"])

            let duplicate = try await api.send(.post, "/api/DEFAULT/admin/translations", master: true,
                json: #"{"translation":{"name":"Again","code":"pl","content":{}}}"#)
            #expect(duplicate.text.contains(#""code":{"errors":["This value is already used."]}"#), "\(duplicate.text)")
            let undefault = try await api.send(.put, "/api/DEFAULT/admin/translations/en", master: true,
                json: #"{"translation":{"name":"English","code":"en","default":false,"content":{}}}"#)
            #expect(undefault.text.contains(#""default":{"errors":["Some default language is required"]}"#), "\(undefault.text)")
            let switched = try await api.send(.put, "/api/DEFAULT/admin/translations/pl", master: true,
                json: #"{"translation":{"name":"Polski","code":"pl","default":true,"content":{"hello":"Hej"}}}"#)
            #expect(switched.status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/translations").text == #"{"hello":"Hej"}"#)
            #expect(try await api.admin(.delete, "/api/DEFAULT/admin/translations/pl").status == .badRequest)
            #expect(try await api.admin(.delete, "/api/DEFAULT/admin/translations/en").status == .noContent)
            #expect(try await api.admin(.get, "/api/DEFAULT/admin/translations/en").status == .notFound)
            let bad = try await api.admin(.post, "/api/DEFAULT/admin/translations", form: "translation[name]=X&translation[code]=x&translation[content]=nope")
            #expect(bad.text.contains(#""content":{"errors":["This value is not valid."]}"#))
        }
    }
}
