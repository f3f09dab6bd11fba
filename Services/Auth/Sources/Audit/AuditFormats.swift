import Foundation
import ServiceKit

/// The JSON of an entry in `GET /api/audit/log`.
struct AuditView: Encodable {
    struct LogID: Encodable {
        let auditLogId: String
    }

    let auditLogId: LogID
    let createdAt: String
    let eventType: String
    let entityType: String
    let entityId: String
    let username: String
    let data: JSONValue

    init(_ record: AuditRecord) {
        auditLogId = LogID(auditLogId: record.id.uuidString.lowercased())
        createdAt = Timestamp.compact(record.createdAt)
        eventType = record.eventType
        entityType = record.entityType
        entityId = record.entityID
        username = record.username
        data = record.data
    }
}

/// The CSV of `GET /api/audit/log/export`, in the documented columns, values quoted only when needed.
enum AuditCSV {
    static let header = ["Log ID", "Username", "User type", "User ID", "Event type", "Entity type", "Entity ID", "Created at", "Additional information", "IP"]

    static func render(_ records: [AuditRecord]) -> String {
        var text = line(header)
        for record in records {
            text += line([
                record.id.uuidString.lowercased(), record.username, record.userType, record.userID, record.eventType,
                record.entityType, record.entityID, Timestamp.rfc3339(record.createdAt), record.data.jsonText, record.ip,
            ])
        }
        return text
    }

    private static func line(_ values: [String]) -> String {
        values.map(quoted).joined(separator: ",") + "\n"
    }

    /// Quotes a value that contains a space, comma, quote or line break, doubling its quotes.
    static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The XML of an audit archive (EP-18).
enum AuditXML {
    static func render(_ records: [AuditRecord]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<log>\n"
        for record in records {
            xml += " <entry id=\"\(record.id.uuidString.lowercased())\" createdAt=\"\(Timestamp.rfc3339(record.createdAt))\">\n"
            for (name, value) in [
                ("user", record.username), ("userId", record.userID), ("userType", record.userType), ("event", record.eventType),
                ("entityType", record.entityType), ("entityId", record.entityID), ("data", record.data.jsonText), ("origin", record.ip),
            ] {
                xml += value.isEmpty ? "  <\(name)/>\n" : "  <\(name)>\(escaped(value))</\(name)>\n"
            }
            xml += " </entry>\n"
        }
        return xml + "</log>\n"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
