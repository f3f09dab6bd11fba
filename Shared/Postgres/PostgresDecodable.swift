import Foundation

/// A Swift type a column's text value decodes into.
public protocol PostgresDecodable: Sendable {
    /// Decodes PostgreSQL's text output for the type (`t`/`f`, ISO timestamps, array literals, …).
    init(postgresText text: String) throws
}

extension String: PostgresDecodable {
    public init(postgresText text: String) { self = text }
}

/// Numbers decode through their own text parser: `Int("42")`, `Double("1.5")`.
extension PostgresDecodable where Self: LosslessStringConvertible {
    public init(postgresText text: String) throws {
        guard let value = Self(text) else { throw PostgresError.decoding("not a \(Self.self): \(text)") }
        self = value
    }
}

extension Int: PostgresDecodable {}
extension Int64: PostgresDecodable {}
extension Int32: PostgresDecodable {}
extension Double: PostgresDecodable {}

extension Bool: PostgresDecodable {
    public init(postgresText text: String) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresError.decoding("not a boolean: \(text)")
        }
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = UUID(uuidString: text) else { throw PostgresError.decoding("not a uuid: \(text)") }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = PostgresTimestamp.parse(text) else { throw PostgresError.decoding("not a timestamp: \(text)") }
        self = value
    }
}

extension LocalDate: PostgresDecodable {
    public init(postgresText text: String) throws {
        guard let value = LocalDate(text) else { throw PostgresError.decoding("not a date: \(text)") }
        self = value
    }
}

extension Amount: PostgresDecodable {
    /// Decodes a `numeric`; values with more than two decimals (averages, ratios) are rounded half away from zero.
    public init(postgresText text: String) throws {
        guard let value = Amount(rounding: text) else { throw PostgresError.decoding("not an amount: \(text)") }
        self = value
    }
}

extension JSONB: PostgresDecodable {
    public init(postgresText text: String) { self.init(text: text) }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// Decodes a one-dimensional array literal such as `{a,"b c",NULL}`; NULL elements are refused
    /// (decode `[Element?]` to accept them).
    public init(postgresText text: String) throws {
        self = try PostgresArrayLiteral.parse(text).map { element in
            if let element { return try Element(postgresText: element) }
            if let nullable = Element.self as? any PostgresNullable.Type, let null = nullable.postgresNull as? Element {
                return null
            }
            throw PostgresError.decoding("NULL element in array \(text)")
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String) throws {
        self = try Wrapped(postgresText: text)
    }
}

/// Parser for PostgreSQL's one-dimensional array output format.
enum PostgresArrayLiteral {
    static func parse(_ text: String) throws -> [String?] {
        var characters = Array(text)[...]
        guard characters.popFirst() == "{", characters.popLast() == "}" else {
            throw PostgresError.decoding("not an array literal: \(text)")
        }
        var elements: [String?] = []
        while !characters.isEmpty {
            elements.append(try element(&characters))
            if let separator = characters.popFirst(), separator != "," {
                throw PostgresError.decoding("unexpected \(separator) in array literal \(text)")
            }
        }
        return elements
    }

    private static func element(_ characters: inout ArraySlice<Character>) throws -> String? {
        if characters.first == "\"" {
            characters.removeFirst()
            var value = ""
            while let character = characters.popFirst() {
                if character == "\\", let escaped = characters.popFirst() { value.append(escaped) }
                else if character == "\"" { return value }
                else { value.append(character) }
            }
            throw PostgresError.decoding("unterminated quoted array element")
        }
        var value = ""
        while let character = characters.first, character != "," {
            value.append(character)
            characters.removeFirst()
        }
        return value == "NULL" ? nil : value
    }
}
