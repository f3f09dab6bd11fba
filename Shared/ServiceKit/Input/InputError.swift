/// Why a request body or query string could not be decoded.
///
/// Every case maps to a client error: `unsupportedMediaType` to 415, the others to 400.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input breaks its encoding's grammar; the text says where and how.
    case malformed(String)
    /// The input nests deeper than the parser allows (64 levels of JSON, 32 levels of brackets).
    case tooDeep
    /// A form or query string holds more than 10,000 fields.
    case tooManyFields
    /// The request declares a media type that no parser reads; carries the lower-cased media type.
    case unsupportedMediaType(String)

    /// A message fit to show the client.
    public var message: String {
        switch self {
        case .malformed(let detail): detail
        case .tooDeep: "The request input is nested too deeply."
        case .tooManyFields: "The request input has too many fields."
        case .unsupportedMediaType(let type): "Unsupported media type \"\(type)\"."
        }
    }

    public var description: String { message }
}
