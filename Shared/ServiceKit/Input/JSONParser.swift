extension FormValue {
    /// Parses an RFC 8259 JSON text.
    ///
    /// Numbers keep their literal text (`6.90` stays `"6.90"`), objects keep their key order (a repeated key
    /// keeps its first position and its last value), strings must be valid UTF-8. An empty or
    /// whitespace-only body is an empty map, so a bodiless POST reads like `{}`.
    /// - Throws: `InputError.malformed` naming the byte offset, `InputError.tooDeep` past 64 nested containers.
    public static func parseJSON(_ bytes: [UInt8]) throws(InputError) -> FormValue {
        try bytes.withUnsafeBufferPointer { (input) throws(InputError) -> FormValue in
            var parser = JSONParser(input)
            return try parser.parseDocument()
        }
    }

    /// A recursive-descent parser over the raw bytes; recursion is bounded by `maxDepth`.
    struct JSONParser {
        static let maxDepth = 64
        private let input: UnsafeBufferPointer<UInt8>
        private var position = 0

        init(_ input: UnsafeBufferPointer<UInt8>) {
            self.input = input
        }

        mutating func parseDocument() throws(InputError) -> FormValue {
            skipByteOrderMark()
            skipWhitespace()
            if position == input.count { return .map(FormMap()) }
            let value = try parseValue(depth: 0)
            skipWhitespace()
            guard position == input.count else { throw unexpected(expecting: "the end of the input") }
            return value
        }

        // MARK: Values

        private mutating func parseValue(depth: Int) throws(InputError) -> FormValue {
            guard let byte = peek() else { throw unexpected(expecting: "a value") }
            switch byte {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            case UInt8(ascii: "t"): return try parseWord("true", as: .bool(true))
            case UInt8(ascii: "f"): return try parseWord("false", as: .bool(false))
            case UInt8(ascii: "n"): return try parseWord("null", as: .null)
            default: throw unexpected(expecting: "a value")
            }
        }

        private mutating func parseObject(depth: Int) throws(InputError) -> FormValue {
            guard depth <= Self.maxDepth else { throw .tooDeep }
            position += 1
            var map = FormMap()
            skipWhitespace()
            if consume("}") { return .map(map) }
            repeat {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw unexpected(expecting: "a string key") }
                let key = try parseString()
                skipWhitespace()
                guard consume(":") else { throw unexpected(expecting: "':'") }
                skipWhitespace()
                map[key] = try parseValue(depth: depth)
                skipWhitespace()
            } while consume(",")
            guard consume("}") else { throw unexpected(expecting: "',' or '}'") }
            return .map(map)
        }

        private mutating func parseArray(depth: Int) throws(InputError) -> FormValue {
            guard depth <= Self.maxDepth else { throw .tooDeep }
            position += 1
            var items: [FormValue] = []
            skipWhitespace()
            if consume("]") { return .list(items) }
            repeat {
                skipWhitespace()
                items.append(try parseValue(depth: depth))
                skipWhitespace()
            } while consume(",")
            guard consume("]") else { throw unexpected(expecting: "',' or ']'") }
            return .list(items)
        }

        private mutating func parseWord(_ word: StaticString, as value: FormValue) throws(InputError) -> FormValue {
            let matches = word.withUTF8Buffer { expected in
                input.count - position >= expected.count
                    && expected.indices.allSatisfy { input[position + $0] == expected[$0] }
            }
            guard matches else { throw unexpected(expecting: "a value") }
            position += word.utf8CodeUnitCount
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as its exact text.
        private mutating func parseNumber() throws(InputError) -> String {
            let start = position
            _ = consume("-")
            if consume("0") {
                guard !isDigit(peek()) else { throw malformed("leading zero in a number") }
            } else {
                try skipDigits()
            }
            if consume(".") { try skipDigits() }
            if consume("e") || consume("E") {
                _ = consume("+") || consume("-")
                try skipDigits()
            }
            return String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        }

        private mutating func skipDigits() throws(InputError) {
            guard isDigit(peek()) else { throw unexpected(expecting: "a digit") }
            while isDigit(peek()) { position += 1 }
        }

        // MARK: Strings

        /// Reads a string whose opening quote is at `position`; strings without escapes are not copied twice.
        private mutating func parseString() throws(InputError) -> String {
            let quote = position
            position += 1
            let start = position
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return try validatedString(UnsafeBufferPointer(rebasing: input[start..<position - 1]), from: quote)
                case UInt8(ascii: "\\"):
                    return try parseEscapedString(prefix: input[start..<position], from: quote)
                case 0..<0x20:
                    throw malformed("control character in a string")
                default:
                    position += 1
                }
            }
            throw malformed("unterminated string")
        }

        private mutating func parseEscapedString(
            prefix: Slice<UnsafeBufferPointer<UInt8>>,
            from quote: Int
        ) throws(InputError) -> String {
            var text = Array(prefix)
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return try text.withUnsafeBufferPointer { (text) throws(InputError) in try validatedString(text, from: quote) }
                case UInt8(ascii: "\\"):
                    try appendEscape(to: &text)
                case 0..<0x20:
                    throw malformed("control character in a string")
                default:
                    text.append(byte)
                    position += 1
                }
            }
            throw malformed("unterminated string")
        }

        private mutating func appendEscape(to text: inout [UInt8]) throws(InputError) {
            position += 1
            guard let byte = peek() else { throw malformed("unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"): UTF8.encode(try parseUnicodeEscape()) { text.append($0) }
            default:
                position -= 1
                throw malformed("invalid escape sequence")
            }
        }

        /// The scalar of `XXXX` after `\u`, joining a UTF-16 surrogate pair written as two escapes.
        private mutating func parseUnicodeEscape() throws(InputError) -> Unicode.Scalar {
            let unit = try parseHexQuad()
            var value = UInt32(unit)
            switch unit {
            case 0xD800...0xDBFF:
                guard consume("\\"), consume("u") else { throw malformed("unpaired surrogate in a \\u escape") }
                let low = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("unpaired surrogate in a \\u escape") }
                value = 0x10000 + ((value - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            case 0xDC00...0xDFFF:
                throw malformed("unpaired surrogate in a \\u escape")
            default:
                break
            }
            guard let scalar = Unicode.Scalar(value) else { throw malformed("invalid \\u escape") }
            return scalar
        }

        private mutating func parseHexQuad() throws(InputError) -> UInt16 {
            var unit: UInt16 = 0
            for _ in 0..<4 {
                guard let digit = peek()?.hexDigitValue else { throw malformed("invalid \\u escape") }
                unit = unit << 4 | UInt16(digit)
                position += 1
            }
            return unit
        }

        /// The string's text; strings must be UTF-8, reported at the opening `quote`.
        private func validatedString(_ bytes: UnsafeBufferPointer<UInt8>, from quote: Int) throws(InputError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw malformed("invalid UTF-8 in the string", at: quote)
            }
            return text
        }

        // MARK: Bytes

        private func peek() -> UInt8? {
            position < input.count ? input[position] : nil
        }

        private mutating func consume(_ character: Unicode.Scalar) -> Bool {
            guard peek() == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        private func isDigit(_ byte: UInt8?) -> Bool {
            guard let byte else { return false }
            return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        private mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        private mutating func skipByteOrderMark() {
            if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { position = 3 }
        }

        // MARK: Errors

        private func malformed(_ problem: String, at offset: Int? = nil) -> InputError {
            .malformed("Malformed JSON at byte \(offset ?? position): \(problem).")
        }

        private func unexpected(expecting expected: String) -> InputError {
            guard let byte = peek() else { return malformed("unexpected end of input, expected \(expected)") }
            let found = (0x21...0x7E).contains(byte)
                ? "'\(Character(Unicode.Scalar(byte)))'"
                : "byte 0x\(String(byte, radix: 16, uppercase: true))"
            return malformed("unexpected \(found), expected \(expected)")
        }
    }
}

extension UInt8 {
    /// The value of an ASCII hex digit (`0-9`, `a-f`, `A-F`), nil for any other byte.
    var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
