/// A file uploaded in a multipart/form-data body.
public struct UploadedFile: Sendable, Hashable {
    /// The file name the client sent, as is (never trust it as a path).
    public var filename: String
    /// The part's `Content-Type`, `application/octet-stream` when the client sent none.
    public var contentType: String
    /// The file's bytes.
    public var data: [UInt8]

    public init(filename: String, contentType: String = "application/octet-stream", data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// One decoded request input: the body of a JSON, urlencoded or multipart request, or a query string,
/// as one nested value, so handlers read `input["customer"]?["address"]?["street"]` the same way whatever the encoding.
///
/// Form encodings only ever produce `.string`, `.list`, `.map` and `.file`; JSON produces the rest.
/// The accessors in `FormValue+Accessors.swift` bridge the two (`"1"` and `true` both read as `bool == true`).
public enum FormValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number kept as its exact literal text (`"6.90"`, `"100"`, `"-1e3"`), so no precision is lost
    /// before the handler decides whether it wants an `Int`, a `Decimal` or a string.
    case number(String)
    case string(String)
    case list([FormValue])
    /// String keys in insertion order.
    case map(FormMap)
    case file(UploadedFile)
}

/// A string-keyed map that keeps its keys in insertion order, as JSON objects and forms are written.
///
/// Two maps are equal when they hold the same keys in the same order with equal values.
public struct FormMap: Sendable, Hashable, Sequence {
    public typealias Element = (key: String, value: FormValue)

    /// The keys, in insertion order.
    public private(set) var keys: [String] = []
    /// The values, in the order of `keys`.
    public private(set) var values: [FormValue] = []
    /// Key positions, built only once the map is too large for a linear scan to be the cheaper lookup.
    private var index: [String: Int]?
    private static let linearScanLimit = 16

    /// An empty map.
    public init() {}

    /// A map of the pairs, in order; a repeated key keeps its first position and its last value.
    public init(_ pairs: some Sequence<(String, FormValue)>) {
        for (key, value) in pairs { self[key] = value }
    }

    /// A map of keys known to be distinct, such as the form builder's.
    init(uniqueKeys keys: [String], values: [FormValue]) {
        self.keys = keys
        self.values = values
        if keys.count > Self.linearScanLimit { rebuildIndex() }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`; setting `nil` removes the key, setting an existing key keeps its position.
    public subscript(key: String) -> FormValue? {
        get { position(of: key).map { values[$0] } }
        set {
            switch (position(of: key), newValue) {
            case (let position?, let value?): values[position] = value
            case (nil, let value?): append(key, value)
            case (let position?, nil): remove(at: position)
            case (nil, nil): break
            }
        }
    }

    /// Whether the map holds `key`.
    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public func makeIterator() -> Iterator { Iterator(map: self) }

    public struct Iterator: IteratorProtocol {
        fileprivate let map: FormMap
        fileprivate var position = 0

        public mutating func next() -> Element? {
            guard position < map.keys.count else { return nil }
            defer { position += 1 }
            return (map.keys[position], map.values[position])
        }
    }

    public static func == (lhs: FormMap, rhs: FormMap) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    private mutating func append(_ key: String, _ value: FormValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index?[key] = keys.count - 1
        } else if keys.count > Self.linearScanLimit {
            rebuildIndex()
        }
    }

    private mutating func remove(at position: Int) {
        keys.remove(at: position)
        values.remove(at: position)
        index = nil
        if keys.count > Self.linearScanLimit { rebuildIndex() }
    }

    private mutating func rebuildIndex() {
        index = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
    }
}

extension FormMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, FormValue)...) {
        self.init(elements)
    }
}

// Literals keep tests and defaults readable: `["admin": ["roles": ["37"]]]`.
// There is deliberately no float literal: it would lose the exact text `.number` exists to keep.
extension FormValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: FormValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, FormValue)...) { self = .map(FormMap(elements)) }
}

extension FormValue: CustomStringConvertible {
    /// The value as compact JSON; a file shows as a string describing it. For logs and test failures.
    public var description: String {
        var writer = JSONWriter()
        writer.value(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
