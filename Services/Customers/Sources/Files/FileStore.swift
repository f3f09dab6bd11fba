import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// An uploaded file as stored.
struct StoredFile: Sendable {
    let mime: String
    let originalName: String
    let data: [UInt8]
}

/// What kind of file, which decides its owner key.
enum FileKind: String, Sendable {
    case avatar
    case levelPhoto = "level_photo"
    case setting
}

/// Files (avatars, level photos, settings images, the conditions file) kept in PostgreSQL, so that every
/// replica serves them (decision customers A11).
struct FileStore: Sendable {
    func find(on database: some PostgresQueryable, storeID: UUID, kind: FileKind, owner: String) async throws -> StoredFile? {
        let row = try await database.query("""
            SELECT mime, original_name, encode(data, 'base64') AS data FROM customers.files
            WHERE store_id = \(storeID) AND kind = \(kind.rawValue) AND owner = \(owner)
            """).firstRow
        guard let row else { return nil }
        let base64 = try row.decode(String.self, "data").filter { !$0.isWhitespace }
        return StoredFile(
            mime: try row.decode(String.self, "mime"), originalName: try row.decode(String.self, "original_name"),
            data: Array(Data(base64Encoded: base64) ?? Data())
        )
    }

    /// Stores the file, replacing the previous one of the same owner.
    func save(on database: some PostgresQueryable, storeID: UUID, kind: FileKind, owner: String, file: UploadedFile, mime: String) async throws {
        try await database.execute("""
            INSERT INTO customers.files (store_id, kind, owner, mime, original_name, size, data)
            VALUES (\(storeID), \(kind.rawValue), \(owner), \(mime), \(file.filename), \(file.data.count), decode(\(Data(file.data).base64EncodedString()), 'base64'))
            ON CONFLICT (store_id, kind, owner) DO UPDATE SET mime = excluded.mime, original_name = excluded.original_name,
                size = excluded.size, data = excluded.data, created_at = now()
            """)
    }

    /// Removes the file; whether there was one.
    @discardableResult
    func delete(on database: some PostgresQueryable, storeID: UUID, kind: FileKind, owner: String) async throws -> Bool {
        try await database.execute("""
            DELETE FROM customers.files WHERE store_id = \(storeID) AND kind = \(kind.rawValue) AND owner = \(owner)
            """) > 0
    }
}

/// The checks of uploaded images: type by content (png, gif, jpeg), size, and optionally a minimum size in pixels.
enum ImageUpload {
    static let maximumBytes = 2 * 1024 * 1024
    static let allowedTypes = ["image/png", "image/gif", "image/jpeg"]

    /// The uploaded file at `path` of the input, checked; `400 {"error":…}` otherwise. Returns the file and its real type.
    static func read(_ input: FormValue, field: [String], minimumSide: Int = 0, allowed: [String] = allowedTypes) throws -> (UploadedFile, String) {
        guard let file = input.value(at: field)?.file, !file.data.isEmpty else {
            throw APIError.domain("No file was uploaded; send it as multipart/form-data field \(fieldName(field))")
        }
        guard file.data.count <= maximumBytes else {
            throw APIError.domain("The file is too large (\(file.data.count) bytes). Allowed maximum size is \(maximumBytes) bytes.")
        }
        guard let type = ImageInfo.type(of: file.data) ?? (allowed.contains("application/pdf") && file.data.starts(with: Array("%PDF".utf8)) ? "application/pdf" : nil),
              allowed.contains(type)
        else {
            throw APIError.domain("The mime type of the file is invalid. Allowed mime types are \(allowed.joined(separator: ", ")).")
        }
        if minimumSide > 0, type != "application/pdf" {
            guard let size = ImageInfo.size(of: file.data), size.width >= minimumSide, size.height >= minimumSide else {
                throw APIError.domain("The image is too small. Minimum size is \(minimumSide)x\(minimumSide) px.")
            }
        }
        return (file, type)
    }

    static func fieldName(_ path: [String]) -> String {
        guard let first = path.first else { return "" }
        return first + path.dropFirst().map { "[\($0)]" }.joined()
    }

    /// The stored file as a download: its bytes with its type, inline.
    static func response(_ file: StoredFile, attachment: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: file.mime]
        let disposition = attachment.map { "attachment; filename=\"\($0)\"" } ?? "inline; filename=\"\(file.originalName.replacingOccurrences(of: "\"", with: ""))\""
        headers[.contentDisposition] = disposition
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }
}

/// Reads the type and pixel size of PNG, GIF and JPEG images from their headers.
enum ImageInfo {
    static func type(of data: [UInt8]) -> String? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if data.starts(with: Array("GIF87a".utf8)) || data.starts(with: Array("GIF89a".utf8)) { return "image/gif" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }

    static func size(of data: [UInt8]) -> (width: Int, height: Int)? {
        switch type(of: data) {
        case "image/png":
            guard data.count >= 24 else { return nil }
            return (bigEndian(data, 16, 4), bigEndian(data, 20, 4))
        case "image/gif":
            guard data.count >= 10 else { return nil }
            return (Int(data[6]) | Int(data[7]) << 8, Int(data[8]) | Int(data[9]) << 8)
        case "image/jpeg":
            return jpegSize(data)
        default:
            return nil
        }
    }

    /// Walks the JPEG segments to the first start-of-frame marker.
    private static func jpegSize(_ data: [UInt8]) -> (width: Int, height: Int)? {
        var index = 2
        while index + 9 < data.count {
            guard data[index] == 0xFF else { return nil }
            let marker = data[index + 1]
            let length = bigEndian(data, index + 2, 2)
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (bigEndian(data, index + 7, 2), bigEndian(data, index + 5, 2))
            }
            index += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ data: [UInt8], _ offset: Int, _ count: Int) -> Int {
        (0..<count).reduce(0) { $0 << 8 | Int(data[offset + $1]) }
    }
}
