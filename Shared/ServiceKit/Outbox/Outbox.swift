import Foundation

/// One outgoing e-mail or SMS.
public struct OutboxMessage: Sendable, Codable, Hashable {
    /// How a message travels; each channel has its own folder under the outbox.
    public enum Channel: String, Sendable, Codable, Hashable {
        case mail
        case sms
    }

    public var id: UUID
    public var channel: Channel
    /// The e-mail address or phone number.
    public var to: String
    /// The subject of an e-mail; nil for an SMS.
    public var subject: String?
    /// The text as the recipient reads it.
    public var body: String
    /// What kind of message this is, e.g. `password_reset`.
    public var template: String
    /// The values the text was made from (reset token, activation code, …), for tools and tests.
    public var data: [String: String]
    /// When it was queued, RFC 3339 in UTC.
    public var createdAt: String

    public init(
        channel: Channel, to: String, subject: String? = nil, body: String, template: String,
        data: [String: String] = [:], id: UUID = UUID(), createdAt: Date = Date()
    ) {
        self.id = id
        self.channel = channel
        self.to = to
        self.subject = subject
        self.body = body
        self.template = template
        self.data = data
        self.createdAt = OutboxMessage.timestamp(createdAt)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// The outbox of DESIGN §9: until SMTP or an SMS provider is configured, every message is written as one
/// JSON file under `DATA_DIR/outbox/mail/` or `DATA_DIR/outbox/sms/`, where people and tests can read it.
///
/// A file appears atomically (written under a hidden name, then renamed), so a reader never sees half a
/// message; names start with the time, so a directory listing is in sending order.
public struct Outbox: Sendable {
    /// `DATA_DIR/outbox`.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The outbox under a service's data directory.
    public init(dataDirectory: URL) {
        self.init(directory: dataDirectory.appendingPathComponent("outbox", isDirectory: true))
    }

    /// Writes the message; returns the file it was written to.
    @discardableResult
    public func send(_ message: OutboxMessage) throws -> URL {
        let folder = folder(for: message.channel)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = "\(Self.fileStamp(Date()))-\(message.id.uuidString.lowercased()).json"
        let temporary = folder.appendingPathComponent(".\(name).tmp")
        let final = folder.appendingPathComponent(name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(message).write(to: temporary)
        guard rename(temporary.path, final.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final.path])
        }
        return final
    }

    /// The messages of a channel, oldest first (hidden, half-written files are skipped).
    public func messages(_ channel: OutboxMessage.Channel) throws -> [OutboxMessage] {
        let folder = folder(for: channel)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        let decoder = JSONDecoder()
        return try names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }.sorted().map { name in
            try decoder.decode(OutboxMessage.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }

    /// `outbox/mail` or `outbox/sms`.
    public func folder(for channel: OutboxMessage.Channel) -> URL {
        directory.appendingPathComponent(channel.rawValue, isDirectory: true)
    }

    /// `20240102T030405.678Z`, sortable.
    private static func fileStamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds / 1000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return String(
            format: "%04d%02d%02dT%02d%02d%02d.%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(milliseconds % 1000)
        )
    }
}

extension ServiceRuntime {
    /// The outbox under this service's data directory.
    public var outbox: Outbox { Outbox(dataDirectory: configuration.dataDirectory) }
}
