import Foundation

/// A fixed-point quantity with two decimals — points and money — stored as an integer number of hundredths.
///
/// Arithmetic is exact; nothing on a balance ever goes through `Double`. On the wire it is a plain JSON
/// number (`6.9`, `100`), in SQL a `numeric(18,2)`.
public struct Amount: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The value in hundredths: `Amount("12.34").hundredths == 1234`.
    public var hundredths: Int64

    public static let zero = Amount(hundredths: 0)
    /// The largest value a `numeric(18,2)` column holds.
    public static let max = Amount(hundredths: 9_999_999_999_999_999)

    public init(hundredths: Int64) { self.hundredths = hundredths }

    public init(_ units: Int) { self.hundredths = Int64(units) * 100 }

    public init(integerLiteral value: Int) { self.init(value) }

    /// Parses a decimal literal exactly (`"12"`, `"12.5"`, `"-0.01"`, `"1e2"`).
    /// Returns nil for anything that is not a number or has more than two significant decimals.
    public init?(exactly text: String) {
        guard let parsed = Self.parse(text, rounding: false) else { return nil }
        self = parsed
    }

    /// Parses a decimal literal, rounding extra decimals half away from zero (for computed SQL numerics).
    public init?(rounding text: String) {
        guard let parsed = Self.parse(text, rounding: true) else { return nil }
        self = parsed
    }

    public var isZero: Bool { hundredths == 0 }
    public var isNegative: Bool { hundredths < 0 }
    public var isPositive: Bool { hundredths > 0 }

    /// The shortest exact decimal text: `12`, `12.5`, `12.34`, `-0.01`.
    public var description: String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let units = magnitude / 100
        let cents = magnitude % 100
        if cents == 0 { return "\(sign)\(units)" }
        if cents % 10 == 0 { return "\(sign)\(units).\(cents / 10)" }
        return "\(sign)\(units).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Always two decimals: `12.00`, for CSV exports and percentages.
    public var twoDecimals: String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.hundredths < rhs.hundredths }
    public static func + (lhs: Amount, rhs: Amount) -> Amount { Amount(hundredths: lhs.hundredths + rhs.hundredths) }
    public static func - (lhs: Amount, rhs: Amount) -> Amount { Amount(hundredths: lhs.hundredths - rhs.hundredths) }
    public static prefix func - (value: Amount) -> Amount { Amount(hundredths: -value.hundredths) }
    public static func += (lhs: inout Amount, rhs: Amount) { lhs.hundredths += rhs.hundredths }
    public static func -= (lhs: inout Amount, rhs: Amount) { lhs.hundredths -= rhs.hundredths }

    /// Multiplies by an exact ratio `numerator / denominator`, rounding half away from zero to hundredths.
    /// `Amount(10).multiplied(by: 15, dividedBy: 100)` is 1.5; intermediate products use 128-bit integers.
    public func multiplied(by numerator: Int64, dividedBy denominator: Int64) -> Amount {
        precondition(denominator != 0, "division by zero")
        let product = hundredths.multipliedFullWidth(by: numerator)
        let wide = (Int128(product.high) << 64) | Int128(product.low)
        return Amount(hundredths: Int64(Self.divideRounding(wide, Int128(denominator))))
    }

    /// Multiplies two amounts (`price × points per unit`), rounding half away from zero.
    public func multiplied(by other: Amount) -> Amount {
        multiplied(by: other.hundredths, dividedBy: 100)
    }

    /// Rounds down to whole units (towards negative infinity): `12.99` → `12`.
    public var floored: Amount {
        let remainder = hundredths % 100
        return Amount(hundredths: hundredths - remainder - (remainder < 0 ? 100 : 0))
    }

    private static func divideRounding(_ value: Int128, _ divisor: Int128) -> Int128 {
        let quotient = value / divisor
        let remainder = value % divisor
        if remainder.magnitude * 2 >= divisor.magnitude {
            return quotient + ((value < 0) != (divisor < 0) ? -1 : 1)
        }
        return quotient
    }

    private static func parse(_ text: String, rounding: Bool) -> Amount? {
        var utf8 = Substring(text.trimmedSpaces).utf8[...]
        guard !utf8.isEmpty else { return nil }
        var negative = false
        if utf8.first == UInt8(ascii: "-") || utf8.first == UInt8(ascii: "+") {
            negative = utf8.first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var exponent = 0
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte >= 48 && byte <= 57 {
                digits.append(byte - 48)
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let value = Int(String(decoding: utf8[utf8.index(after: index)...], as: UTF8.self)),
                      abs(value) < 40 else { return nil }
                exponent = value
                break
            } else {
                return nil
            }
            index = utf8.index(after: index)
        }
        guard !digits.isEmpty else { return nil }
        // value = digits × 10^(exponent − fractionDigits); we want it × 100.
        let shift = exponent - fractionDigits + 2
        var magnitude: Int128 = 0
        let limit = Int128(Int64.max)
        var keep = digits
        var dropped: [UInt8] = []
        if shift < 0 {
            let cut = Swift.max(0, keep.count + shift)
            dropped = Array(keep[cut...])
            keep = Array(keep[..<cut])
        }
        for digit in keep {
            magnitude = magnitude * 10 + Int128(digit)
            if magnitude > limit { return nil }
        }
        if shift > 0 {
            for _ in 0..<shift {
                magnitude *= 10
                if magnitude > limit { return nil }
            }
        }
        if dropped.contains(where: { $0 != 0 }) {
            guard rounding else { return nil }
            // The most significant dropped digit decides; it is an implicit 0 when every digit was dropped.
            let firstDropped = dropped.count == -shift ? dropped[0] : 0
            if firstDropped >= 5 { magnitude += 1 }
        }
        let value = Int64(magnitude)
        return Amount(hundredths: negative ? -value : value)
    }
}

extension Amount: Codable {
    /// Decodes from a JSON number or a numeric string, exactly.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let decimal = try? container.decode(Decimal.self), let parsed = Amount(exactly: "\(decimal)") {
            self = parsed
        } else if let text = try? container.decode(String.self), let parsed = Amount(exactly: text) {
            self = parsed
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an amount with at most two decimals")
        }
    }

    /// Encodes as a plain JSON number with its exact value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(string: description) ?? 0)
    }
}
