import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceKit

/// An image kept for a campaign (a photo or the brand icon), as stored.
struct CampaignImage: Sendable {
    let mime: String
    let originalName: String
    let data: [UInt8]

    /// Photos and icons up to this size; bigger uploads are form errors, not stored.
    static let maximumBytes = 2 * 1024 * 1024

    /// Reads and checks the uploaded image at `form[file]` (or a bare `file`): present, small enough and really an
    /// image. The type is read from the bytes, not the part's header, so what GET serves is what it says it is.
    static func upload(_ input: FormValue, form: String) throws -> CampaignImage {
        var errors = FormErrors(schema: ["file"])
        guard let file = (input[form]?["file"] ?? input["file"])?.file, !file.data.isEmpty else {
            errors.add(FormMessage.notBlank, at: "file")
            throw errors
        }
        guard file.data.count <= maximumBytes else {
            errors.add("The file is too large. Allowed maximum size is 2 MB.", at: "file")
            throw errors
        }
        guard let mime = imageType(of: file.data) else {
            errors.add("This file is not a valid image.", at: "file")
            throw errors
        }
        return CampaignImage(mime: mime, originalName: file.filename, data: file.data)
    }

    /// PNG, JPEG, GIF or WebP by their signatures; nil for anything else.
    static func imageType(of data: [UInt8]) -> String? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if data.starts(with: Array("GIF87a".utf8)) || data.starts(with: Array("GIF89a".utf8)) { return "image/gif" }
        if data.count >= 12, data.starts(with: Array("RIFF".utf8)), Array(data[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }

    /// The raw bytes with the stored type, shown inline and never cached (the appendix's media GET): a photo can be
    /// deleted or an icon replaced under the same address.
    var response: Response {
        let name = originalName.filter { $0 != "\"" && !$0.isNewline }
        let headers: HTTPFields = [
            .contentType: mime, .contentDisposition: "inline; filename=\"\(name)\"", .cacheControl: "no-cache, no-store, must-revalidate",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
