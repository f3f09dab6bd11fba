extension StringProtocol {
    /// The text without leading and trailing white space and line breaks: what
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` returns, without Foundation's NSString bridge (every form
    /// value, amount and identifier of a request is trimmed).
    public var trimmedWhitespace: String { trimmed(keepingLineBreaks: false) }

    /// The text without leading and trailing spaces and tabs (line breaks kept): what
    /// `trimmingCharacters(in: .whitespaces)` returns.
    public var trimmedSpaces: String { trimmed(keepingLineBreaks: true) }

    private func trimmed(keepingLineBreaks: Bool) -> String {
        func trims(_ scalar: Unicode.Scalar) -> Bool {
            // Foundation's sets also hold U+200B ZERO WIDTH SPACE, no longer white space for Unicode.
            guard scalar.properties.isWhitespace || scalar == "\u{200B}" else { return false }
            return !(keepingLineBreaks && Self.isLineBreak(scalar))
        }
        let text = String(self)
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, trims(first) || trims(last) else { return text }
        guard let start = scalars.firstIndex(where: { !trims($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !trims($0) })!
        return String(scalars[start...end])
    }

    /// Foundation's `newlines`: U+000A…U+000D, U+0085, U+2028, U+2029.
    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}
