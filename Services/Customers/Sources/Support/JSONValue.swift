import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Any JSON value, to pass stored `jsonb` (event payloads, settings values) through to a response unchanged.
enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value of a stored `jsonb`; malformed text (never written by the suite) reads as null.
    init(_ json: JSONB) {
        self = (try? JSONDecoder().decode(JSONValue.self, from: Data(json.text.utf8))) ?? .null
    }

    init(from decoder: any Decoder) throws {
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

    func encode(to encoder: any Encoder) throws {
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
    var object: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }

    /// The text of a string, or of a number or bool.
    var text: String? {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .bool(let value): value ? "1" : "0"
        default: nil
        }
    }

    var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .integer(let value): value != 0
        case .string(let text): ["1", "true"].contains(text.lowercased()) ? true : (["0", "false", ""].contains(text.lowercased()) ? false : nil)
        default: nil
        }
    }

    var int: Int? {
        switch self {
        case .integer(let value): Int(value)
        case .number(let value): value == value.rounded() ? Int(value) : nil
        case .string(let text): Int(text)
        default: nil
        }
    }

    var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The same value as a form value (for settings read back through the form).
    init(_ value: FormValue) {
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
}
