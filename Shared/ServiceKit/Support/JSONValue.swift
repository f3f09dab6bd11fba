import Foundation
import Postgres

/// Any JSON value, to pass stored `jsonb` (event payloads, audit data, settings values) through to a response unchanged.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value of a stored `jsonb`; malformed text (never written by the suite) reads as null.
    public init(_ json: JSONB) {
        self = (try? JSONDecoder().decode(JSONValue.self, from: Data(json.text.utf8))) ?? .null
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The members of an object; empty for anything else.
    public var object: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }

    /// The text of a string, or of a number or bool.
    public var text: String? {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .bool(let value): value ? "1" : "0"
        default: nil
        }
    }

    public var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .integer(let value): value != 0
        case .string(let text): ["1", "true"].contains(text.lowercased()) ? true : (["0", "false", ""].contains(text.lowercased()) ? false : nil)
        default: nil
        }
    }

    public var int: Int? {
        switch self {
        case .integer(let value): Int(value)
        case .number(let value): value == value.rounded() ? Int(value) : nil
        case .string(let text): Int(text)
        default: nil
        }
    }

    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The same value as a form value (for settings read back through the form).
    public init(_ value: FormValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let text): self = Int64(text).map(JSONValue.integer) ?? Double(text).map(JSONValue.number) ?? .string(text)
        case .string(let text): self = .string(text)
        case .list(let items): self = .array(items.map(JSONValue.init))
        case .map(let map): self = .object(Dictionary(map.map { ($0.key, JSONValue($0.value)) }, uniquingKeysWith: { $1 }))
        case .file(let file): self = .string(file.filename)
        }
    }

    /// Compact JSON text with sorted keys (CSV cells, XML archives).
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
