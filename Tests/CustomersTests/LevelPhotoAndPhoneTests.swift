import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Level photos and CSV (LV-07…LV-09, LV-13), phone change confirmation (C14)")
struct LevelPhotoAndPhoneTests {
    /// A PNG whose header says `side`×`side` (the service reads only the header).
    static func png(side: Int) -> [UInt8] {
        var bytes = CustomersAPI.png
        let size: [UInt8] = [UInt8(side >> 24 & 0xFF), UInt8(side >> 16 & 0xFF), UInt8(side >> 8 & 0xFF), UInt8(side & 0xFF)]
        bytes.replaceSubrange(16..<20, with: size)
        bytes.replaceSubrange(20..<24, with: size)
        return bytes
    }

    @Test func levelPhotoAndCSV() async throws {
        try await CustomersAPI.run { api in
            let level = try await api.createLevel("Start", condition: "0")
            let path = "/api/DEFAULT/level/\(level.text)/photo"
            let small = try await api.upload(path, field: "photo[file]", filename: "s.png", bytes: Self.png(side: 100))
            #expect(small.status == .badRequest)
            #expect(small.text == #"{"error":"The image is too small. Minimum size is 600x600 px."}"#)
            let photo = Self.png(side: 600)
            #expect(try await api.upload(path, field: "photo[file]", filename: "p.png", bytes: photo).text == "[]")
            let image = try await api.send(.get, path)
            #expect(image.status == .ok && Array(image.body.readableBytesView) == photo)
            #expect(try await api.admin(.get, "/api/DEFAULT/level/\(level.text)").object()["hasPhoto"] as? Bool == true)
            #expect(try await api.admin(.delete, path).text == "[]")
            #expect(try await api.send(.get, path).status == .notFound)

            try await api.register(email: "csv@example.com", firstName: "Csv", lastName: "Person",
                                   extra: "&customer[agreement2]=1&customer[birthDate]=1990-05-06&customer[createdAt]=2020-01-02 03:04:05")
            let csv = try await api.admin(.get, "/api/DEFAULT/csv/level/\(level.text)")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\n").map(String.init)
            #expect(lines.first == #""First name","Last name","E-mail address",Gender,Telephone,"Loyalty card number",Birthdate,"Created at","Legal agreement","Marketing agreement","Data processing agreement""#)
            // Dates as `YYYY-MM-DD HH:MM:SS`, agreements `1` or empty (extensions §2.8).
            #expect(lines.count == 2 && lines[1] == #"Csv,Person,csv@example.com,,,,"1990-05-06 00:00:00","2020-01-02 03:04:05",1,1,"#, "\(lines)")
            #expect(csv.headers[.contentDisposition]?.contains("attachment; filename=\"Start-") == true)
        }
    }

    @Test func aCustomerConfirmsANewPhoneWithTheCodeSentToIt() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.register(email: "phone@example.com", extra: "&customer[phone]=%2B48111111111")
            let token = try await api.customerToken(id)
            #expect(try await api.send(.put, "/api/DEFAULT/customer/\(id.text)", token: token, form: "customer[phone]=%2B48222222222").status == .ok)
            #expect(try await api.details(id)["phone"] as? String == "+48111111111")
            let code = try await api.pool.query("SELECT pending_phone_code FROM customers.customers WHERE id = \(id)").scalar(String.self)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/confirm-change/000000x", token: token).status == .notFound)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/confirm-change/\(code)", token: token).status == .noContent)
            #expect(try await api.details(id)["phone"] as? String == "+48222222222")
            let credential = try await CustomerCredentials.find(on: api.pool, storeID: try await api.storeID(), customerID: id)
            #expect(credential?.phone == "+48222222222")
            #expect(try await api.send(.post, "/api/DEFAULT/customer/confirm-change/\(code)", token: token).status == .notFound)
            // An admin changes the phone at once.
            #expect(try await api.admin(.put, "/api/DEFAULT/customer/\(id.text)", form: "customer[phone]=%2B48333333333").status == .ok)
            #expect(try await api.details(id)["phone"] as? String == "+48333333333")
        }
    }
}
