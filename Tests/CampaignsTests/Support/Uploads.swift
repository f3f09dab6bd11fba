import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Postgres
import TestSupport
import Testing

/// Images and multipart uploads for the media tests, sent as the admin cockpit sends them.
enum Uploads {
    /// A PNG header and an empty image chunk: enough for the type check, which reads the signature.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10,
        0x00, 0x00, 0x00, 0x10, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
        0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9]
    static let gif: [UInt8] = Array("GIF89a".utf8) + [0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x3B]

    static let boundary = "campaign-media"

    /// One multipart file part named `field` (e.g. `photo[file]`).
    static func body(field: String, filename: String, contentType: String, data: [UInt8]) -> [UInt8] {
        Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
            + data + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// Uploads a file as the admin (master key).
    static func upload(
        _ client: any TestClientProtocol, _ uri: String, field: String, filename: String, contentType: String, data: [UInt8]
    ) async throws -> TestResponse {
        try await ThreeServices.admin(
            client, .post, uri, contentType: "multipart/form-data; boundary=\(boundary)",
            body: body(field: field, filename: filename, contentType: contentType, data: data)
        )
    }
}

extension TestResponse {
    /// The raw body (an image).
    var bytes: [UInt8] { Array(body.readableBytesView) }
}

extension ThreeServices {
    /// A second store, `OTHER`, for the tenancy checks.
    func otherStore() async throws {
        _ = try await pool.query("INSERT INTO auth.stores (code, name, currency) VALUES ('OTHER', 'Other', 'EUR') RETURNING id")
    }
}
