import Foundation

/// A statement whose interpolated values become bound parameters, never SQL text:
///
///     try await db.query("SELECT name FROM auth.stores WHERE code = \(code) AND active = \(true)")
///
/// sends `SELECT name FROM auth.stores WHERE code = $1 AND active = $2` with two parameters.
/// Identifiers that cannot be parameters (a schema name in a migration) go through `\(identifier:)`.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$n` placeholders.
    public private(set) var text: String
    /// The parameters' text forms, in placeholder order.
    public private(set) var binds: [String?]

    public init(_ text: String, binds: [String?] = []) {
        self.text = text
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(stringInterpolation.text, binds: stringInterpolation.binds)
    }

    /// Appends another fragment, renumbering its placeholders after ours.
    public mutating func append(_ other: SQL) {
        text += Self.renumber(other.text, offset: binds.count)
        binds += other.binds
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Joins fragments with a separator (`AND`, `,`), renumbering placeholders.
    public static func joined(_ parts: [SQL], separator: String) -> SQL {
        var result = SQL("")
        for (index, part) in parts.enumerated() {
            if index > 0 { result.text += separator }
            result.append(part)
        }
        return result
    }

    public var description: String { text }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation(_ value: some PostgresBindable) {
            binds.append(value.postgresText)
            text += "$\(binds.count)"
        }

        /// Binds an optional value; nil binds NULL.
        public mutating func appendInterpolation<Value: PostgresBindable>(_ value: Value?) {
            binds.append(value?.postgresText)
            text += "$\(binds.count)"
        }

        /// Embeds a nested fragment, keeping its parameters bound.
        public mutating func appendInterpolation(_ fragment: SQL) {
            text += SQL.renumber(fragment.text, offset: binds.count)
            binds += fragment.binds
        }

        /// Embeds a double-quoted identifier (schema, table, channel), for the few places parameters cannot go.
        public mutating func appendInterpolation(identifier: String) {
            text += "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }

        /// Embeds trusted SQL text verbatim: only for fragments the code itself chose (sort columns from an allow-list).
        public mutating func appendInterpolation(unsafeRaw text: String) {
            self.text += text
        }
    }

    /// Shifts `$n` placeholders by `offset`, skipping string literals and quoted identifiers.
    static func renumber(_ text: String, offset: Int) -> String {
        guard offset > 0, text.contains("$") else { return text }
        var result = ""
        result.reserveCapacity(text.count + 8)
        var quote: Character?
        var iterator = Array(text)[...]
        while let character = iterator.popFirst() {
            if let open = quote {
                result.append(character)
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "$", let first = iterator.first, first.isASCII, first.isWholeNumber {
                var number = 0
                while let next = iterator.first, next.isASCII, let digit = next.wholeNumberValue {
                    number = number * 10 + digit
                    iterator.removeFirst()
                }
                result += "$\(number + offset)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
