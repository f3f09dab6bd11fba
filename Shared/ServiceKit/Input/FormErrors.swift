/// The fields of a form, in the order they are rendered.
///
/// A string literal is a plain field: `FormSchema(["email", "plainPassword", .compound("address", ["street", "city"])])`.
public indirect enum FormField: Sendable, Hashable, ExpressibleByStringLiteral {
    case field(String)
    case compound(String, [FormField])

    public init(stringLiteral name: String) {
        self = .field(name)
    }

    /// The field's name, its key under `children`.
    public var name: String {
        switch self {
        case .field(let name), .compound(let name, _): name
        }
    }

    /// The fields of a compound field; none for a plain one.
    public var fields: [FormField] {
        switch self {
        case .field: []
        case .compound(_, let fields): fields
        }
    }
}

/// The fields of a form, in the order they are rendered.
public struct FormSchema: Sendable, Hashable, ExpressibleByArrayLiteral {
    public var fields: [FormField]

    public init(_ fields: [FormField]) {
        self.fields = fields
    }

    public init(arrayLiteral fields: FormField...) {
        self.fields = fields
    }
}

/// Messages of Symfony's validators, word for word, as Open Loyalty clients match on them.
public enum FormMessage {
    public static let notBlank = "This value should not be blank."
    public static let alreadyUsed = "This value is already used."
    public static let invalid = "This value is not valid."
    public static let invalidEmail = "This value is not a valid email address."
    public static let invalidPhone = "This value is not a valid phone number."
}

/// Validation errors of one form submission, rendered as Symfony (FOSRest with JMS) renders an invalid form:
///
///     {"form":{"children":{"email":{"errors":["This value is already used."]},"plainPassword":{},
///      "address":{"children":{"street":{},"city":{}}}}},"errors":[]}
///
/// Every declared field appears under `children` in declaration order: `{}` without errors,
/// `{"errors":[…]}` with some; a compound field holds `"children"`, preceded by `"errors"` when it has
/// messages of its own (JMS's key order). Form-level messages go in the top-level `"errors"` array.
/// Messages at paths the schema does not declare are kept, after the declared fields of their parent.
public struct FormErrors: Sendable, Error {
    public let schema: FormSchema
    private var root = ErrorNode()

    public init(schema: FormSchema) {
        self.schema = schema
    }

    /// Adds `message` to the field at `path` (field names from the top); no path means the whole form.
    public mutating func add(_ message: String, at path: String...) {
        add(message, at: path)
    }

    /// Adds `message` to the field at `path` (field names from the top); an empty path means the whole form.
    public mutating func add(_ message: String, at path: [String]) {
        root.add(message, at: path[...])
    }

    /// Whether no message was added anywhere.
    public var isEmpty: Bool {
        root.messages.isEmpty && root.children.isEmpty
    }

    /// The messages added at exactly `path`, in the order they were added.
    public func messages(at path: String...) -> [String] {
        var node = root
        for name in path {
            guard let child = node.children[name] else { return [] }
            node = child
        }
        return node.messages
    }

    /// The 400 response body, UTF-8 JSON.
    public func renderJSON() -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("form")
        var fields = root
        fields.messages = []  // the form's own messages go to the top-level "errors"
        Self.write(fields: schema.fields, errors: fields, to: &writer)
        writer.key("errors")
        writer.stringArray(root.messages)
        writer.endObject()
        return writer.bytes
    }

    /// Writes one field object: its messages, then its declared children and any undeclared ones.
    private static func write(fields: [FormField], errors: ErrorNode?, to writer: inout JSONWriter) {
        writer.beginObject()
        if let messages = errors?.messages, !messages.isEmpty {
            writer.key("errors")
            writer.stringArray(messages)
        }
        let declared = Set(fields.map(\.name))
        let undeclared = errors?.childNames.filter { !declared.contains($0) } ?? []
        if !fields.isEmpty || !undeclared.isEmpty {
            writer.key("children")
            writer.beginObject()
            for field in fields {
                writer.key(field.name)
                write(fields: field.fields, errors: errors?.children[field.name], to: &writer)
            }
            for name in undeclared {
                writer.key(name)
                write(fields: [], errors: errors?.children[name], to: &writer)
            }
            writer.endObject()
        }
        writer.endObject()
    }
}

/// The messages of one field and, by name in the order first used, of the fields below it.
private struct ErrorNode: Sendable {
    var messages: [String] = []
    var childNames: [String] = []
    var children: [String: ErrorNode] = [:]

    mutating func add(_ message: String, at path: ArraySlice<String>) {
        guard let name = path.first else {
            messages.append(message)
            return
        }
        if children[name] == nil { childNames.append(name) }
        children[name, default: ErrorNode()].add(message, at: path.dropFirst())
    }
}
