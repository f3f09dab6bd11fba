import Foundation
import Postgres

// Reading a value without caring how it was encoded: all accessors return nil when the shape does not fit,
// so handlers chain them (`input["customer"]?["birthDate"]?.string`) and report the missing field themselves.
extension FormValue {
    /// The value at `key` of a map; nil for anything else.
    public subscript(key: String) -> FormValue? {
        guard case .map(let map) = self else { return nil }
        return map[key]
    }

    /// The element at `index` of a list, or the value at the key `String(index)` of a map
    /// (integer keys out of order, `a[1]=y&a[0]=x`, keep a form field a map).
    public subscript(index: Int) -> FormValue? {
        switch self {
        case .list(let items): items.indices.contains(index) ? items[index] : nil
        case .map(let map): map[String(index)]
        default: nil
        }
    }

    /// The value down a path of map keys and list indices: `input.value(at: "role", "permissions", "0", "access")`.
    public func value(at path: String...) -> FormValue? {
        value(at: path)
    }

    /// The value down a path of map keys and list indices.
    public func value(at path: [String]) -> FormValue? {
        var current = self
        for component in path {
            let next: FormValue?
            switch current {
            case .map(let map): next = map[component]
            case .list: next = Self.arrayIndex(component).flatMap { current[$0] }
            default: next = nil
            }
            guard let next else { return nil }
            current = next
        }
        return current
    }

    /// Text as a form would send it: a string as is, a number's literal, a bool as `"1"`/`"0"`; nil otherwise.
    public var string: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "1" : "0"
        default: nil
        }
    }

    /// The trimmed text of a field, nil when absent or blank.
    public var trimmedText: String? {
        guard let text = string?.trimmedWhitespace, !text.isEmpty else { return nil }
        return text
    }

    /// A JSON bool, or a string or number spelling one: `1`/`0`, `true`/`false`, `on`/`off`, `yes`/`no`
    /// (case-insensitive, surrounding spaces ignored); nil otherwise.
    public var bool: Bool? {
        switch self {
        case .bool(let flag): return flag
        default:
            switch numericText?.lowercased() {
            case "1", "true", "on", "yes": return true
            case "0", "false", "off", "no": return false
            default: return nil
            }
        }
    }

    /// An integer from a number or a string (surrounding spaces ignored) without a fractional part:
    /// `"42"`, `"-7"`, `"+3"`, also `"6.0"` (a zero fraction); nil for `"6.5"`, `"1e3"`, overflow and anything else.
    public var int: Int? {
        guard let numericText else { return nil }
        var text = Substring(numericText)
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...]
            guard !fraction.isEmpty, fraction.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            text = text[..<dot]
        }
        return Int(text)
    }

    /// The items of a list, or of a map whose keys are all integers (`a[1]=y&a[0]=x`), ordered by key.
    public var list: [FormValue]? {
        switch self {
        case .list(let items):
            return items
        case .map(let map):
            var indexed: [(index: Int, value: FormValue)] = []
            for (key, value) in map {
                guard let index = Self.arrayIndex(key) else { return nil }
                indexed.append((index, value))
            }
            return indexed.sorted { $0.index < $1.index }.map(\.value)
        default:
            return nil
        }
    }

    /// The map, if this is one.
    public var map: FormMap? {
        guard case .map(let map) = self else { return nil }
        return map
    }

    /// The uploaded file, if this is one.
    public var file: UploadedFile? {
        guard case .file(let file) = self else { return nil }
        return file
    }

    /// Whether this is `.null` (an empty string is not null).
    public var isNull: Bool {
        self == .null
    }

    /// Whether this is null, an empty or whitespace-only string, or an empty list or map,
    /// the values Symfony's `NotBlank` rejects.
    public var isBlank: Bool {
        switch self {
        case .null: true
        case .string(let text): text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
        case .list(let items): items.isEmpty
        case .map(let map): map.isEmpty
        default: false
        }
    }

    /// The trimmed text of a string or number.
    private var numericText: String? {
        switch self {
        case .string(let text), .number(let text): text.trimmingWhitespace()
        default: nil
        }
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// The text without leading and trailing ASCII whitespace (space, tab, CR, LF).
    func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        let isContent = { (byte: UInt8) in byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D }
        guard let first = utf8.firstIndex(where: isContent), let last = utf8.lastIndex(where: isContent) else { return "" }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
