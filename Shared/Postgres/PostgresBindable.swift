import Foundation

/// A Swift value that can be bound as a statement parameter (`$1…$n`), sent in PostgreSQL's text format.
public protocol PostgresBindable: Sendable {
    /// The parameter's text form; nil binds SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
}

extension Substring: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Double: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "t" : "f" }
}

extension UUID: PostgresBindable {
    public var postgresText: String? { uuidString.lowercased() }
}

extension Date: PostgresBindable {
    public var postgresText: String? { PostgresTimestamp.format(self) }
}

extension Amount: PostgresBindable {
    public var postgresText: String? { description }
}

extension LocalDate: PostgresBindable {
    public var postgresText: String? { description }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresBindable where Element: PostgresBindable {
    /// A one-dimensional array literal, every element quoted: `{"a","b",NULL}`.
    public var postgresText: String? {
        let elements = map { element -> String in
            guard let text = element.postgresText else { return "NULL" }
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return "{\(elements.joined(separator: ","))}"
    }
}

/// A `jsonb` / `json` value, kept as its JSON text.
public struct JSONB: Sendable, Hashable, PostgresBindable, CustomStringConvertible {
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes any `Encodable` value as JSON (keys sorted, so equal values store equal text).
    public init<Value: Encodable>(encoding value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON into a `Decodable` type.
    public func decode<Value: Decodable>(as type: Value.Type = Value.self) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }

    public var postgresText: String? { text }
    public var description: String { text }
}
