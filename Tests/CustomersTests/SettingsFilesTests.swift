import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Settings images, conditions file, manifest, CSS (ST-07…ST-14)")
struct SettingsFilesTests {
    @Test func photosAndLogo() async throws {
        try await CustomersAPI.run { api in
            let uploaded = try await api.upload("/api/DEFAULT/settings/photo/small-logo", field: "photo[file]", filename: "s.png", bytes: CustomersAPI.png)
            #expect(uploaded.status == .ok && uploaded.text == "[]")
            let image = try await api.send(.get, "/api/DEFAULT/settings/photo/small-logo/192x192")
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            // Size variants serve the upload unchanged (decision customers ST-08…: no resizing).
            #expect(Array(image.body.readableBytesView) == CustomersAPI.png)
            let large = try await api.send(.get, "/api/DEFAULT/settings/photo/small-logo/512x512")
            #expect(large.status == .ok && Array(large.body.readableBytesView) == CustomersAPI.png)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/photo/small-logo/7x7").status == .notFound)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/photo/unknown").status == .notFound)
            #expect(try await api.upload("/api/DEFAULT/settings/logo", field: "photo[file]", filename: "l.png", bytes: CustomersAPI.png).status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/logo").status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/logo/512x512").status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/logo/100x100").status == .notFound)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/photo/logo").status == .ok)

            try await api.setSettings(##"{"programName":"Stars","accentColor":"#ff0000"}"##)
            let seller = try await api.sellerToken()
            let manifest = try await api.send(.get, "/api/DEFAULT/settings/manifest", token: seller.token).object()
            #expect(manifest["name"] as? String == "Stars" && manifest["display"] as? String == "standalone" && manifest["theme_color"] as? String == "#ff0000")
            let icons = try #require(manifest["icons"] as? [[String: String]])
            #expect(icons.map { $0["sizes"] } == ["192x192", "512x512"])
            #expect(icons.first?["src"] == "/api/DEFAULT/settings/photo/small-logo/192x192")

            let css = try await api.send(.get, "/api/DEFAULT/settings/css")
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true && css.text == ":root { --accent-color: #ff0000; }\n")
            #expect(try await api.send(.get, "/api/DEFAULT/settings/css?json=1").text == ##"{"css":":root { --accent-color: #ff0000; }\n"}"##)

            #expect(try await api.admin(.delete, "/api/DEFAULT/settings/photo/small-logo").text == "[]")
            #expect(try await api.admin(.delete, "/api/DEFAULT/settings/photo/small-logo").status == .notFound)
            #expect(try await api.send(.post, "/api/DEFAULT/settings/logo", token: seller.token).status == .forbidden)
        }
    }

    @Test func conditionsFile() async throws {
        try await CustomersAPI.run { api in
            let seller = try await api.sellerToken()
            try await api.setSettings(#"{"programConditionsUrl":"https://shop.example/terms"}"#)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/conditions-url", token: seller.token).text == #"{"url":"https://shop.example/terms"}"#)
            let pdf = Array("%PDF-1.4\n%fake\n".utf8)
            #expect(try await api.upload("/api/DEFAULT/settings/conditions-file", field: "conditions[file]", filename: "t.pdf", bytes: pdf).status == .ok)
            #expect(try await api.upload("/api/DEFAULT/settings/conditions-file", field: "conditions[file]", filename: "t.png", bytes: CustomersAPI.png).status == .badRequest)
            let file = try await api.send(.get, "/api/DEFAULT/settings/conditions-file")
            #expect(file.status == .ok && file.headers[.contentDisposition] == #"attachment; filename="terms_conditions.pdf""#)
            #expect(Array(file.body.readableBytesView) == pdf)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/conditions-url", token: seller.token).text == #"{"url":"/api/DEFAULT/settings/conditions-file"}"#)
            #expect(try await api.admin(.delete, "/api/DEFAULT/settings/conditions-file").status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/conditions-file").status == .notFound)
        }
    }
}
