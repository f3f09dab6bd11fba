import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Service HTTP basics: version, errors, bodies, pagination")
struct HTTPBasicsTests {
    @Test func versionAndMetrics() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            try await client.execute(uri: "/api/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"name":"OpenLoyalty","version":"4.2.0"}"#)
                #expect(response.headers[.contentType] == "application/json")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test func unknownRouteIsJSON404WithRequestID() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            try await client.execute(uri: "/api/nowhere/at/all", method: .get, headers: [.requestID: "abc-123"]) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body) == #"{"error":{"code":404,"message":"Not Found"}}"#)
                #expect(response.headers[.requestID] == "abc-123")
            }
            try await client.execute(uri: "/api/nowhere", method: .get) { response in
                #expect(response.headers[.requestID]?.count == 36)
            }
        }
    }

    @Test func unexpectedErrorIsLoggedJSON500NamingTheRequest() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            try await client.execute(uri: "/probe/crash", method: .get, headers: [.requestID: "req-500"]) { response in
                #expect(response.status == .internalServerError)
                #expect(String(buffer: response.body) == #"{"error":{"code":500,"message":"Internal Server Error","requestId":"req-500"}}"#)
            }
        }
    }

    @Test func formErrorsNameEveryFieldWhateverTheEncoding() async throws {
        let expected = #"{"form":{"children":{"name":{"errors":["This value should not be blank."]},"email":{"errors":["This value is not a valid email address."]},"address":{"children":{"street":{},"city":{"errors":["This value should not be blank."]}}}}},"errors":[]}"#
        try await TestService.run(ProbeService.definition) { client, _ in
            let bodies: [(String, String)] = [
                ("application/x-www-form-urlencoded", "person[name]=&person[email]=nope&person[address][street]=Main"),
                ("application/json", #"{"person":{"name":"","email":"nope","address":{"street":"Main"}}}"#),
            ]
            for (contentType, body) in bodies {
                try await client.execute(
                    uri: "/probe/person", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body) == expected)
                }
            }
            try await client.execute(
                uri: "/probe/person", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "person%5Bname%5D=Ann+Lee&person[address][city]=Gda%C5%84sk")
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"name":"Ann Lee"}"#)
            }
        }
    }

    @Test func bodiesAreDecodedLimitedAndChecked() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            try await client.execute(
                uri: "/probe/echo?page=2&filter[name]=x", method: .post, headers: [.contentType: "application/json;charset=UTF-8"],
                body: ByteBuffer(string: #"{"points":6.90,"flag":true,"filter":{"active":"1"}}"#)
            ) { response in
                #expect(String(buffer: response.body) == #"{"page":"2","filter":{"name":"x","active":"1"},"points":6.90,"flag":true}"#)
            }
            let boundary = "XyZ"
            let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"avatar[file]\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\u{1}PNG\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"avatar[alt]\"\r\n\r\nme\r\n--\(boundary)--\r\n"
            try await client.execute(
                uri: "/probe/echo", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(string: multipart)
            ) { response in
                #expect(String(buffer: response.body) == #"{"avatar":{"file":"<file a.png image/png 4 bytes>","alt":"me"}}"#)
            }
            try await client.execute(
                uri: "/probe/echo", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"a":"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).hasPrefix(#"{"error":{"code":400,"message":"#))
            }
            try await client.execute(
                uri: "/probe/echo", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: "a,b")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            let large = String(repeating: "x", count: 1024 * 1024 + 10)
            try await client.execute(
                uri: "/probe/echo", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "a=\(large)")
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).hasPrefix(#"{"error":{"code":413,"#))
            }
        }
    }

    @Test func paginationPagesSortsAndGuardsTheResultWindow() async throws {
        try await TestService.run(ProbeService.definition) { client, _ in
            try await client.execute(uri: "/probe/numbers", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"numbers":[1,2,3,4,5,6,7,8,9,10],"total":25}"#)
            }
            try await client.execute(uri: "/probe/numbers?page=3&perPage=10&sort=square&direction=desc", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"numbers":[5,4,3,2,1],"total":25}"#)
            }
            try await client.execute(uri: "/probe/numbers?page=101&perPage=100", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body) == #"{"error":{"code":400,"message":"Result window is too large"}}"#)
            }
            for query in ["page=0", "perPage=abc", "sort=password", "direction=sideways"] {
                try await client.execute(uri: "/probe/numbers?\(query)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(query)")
                }
            }
        }
    }
}
