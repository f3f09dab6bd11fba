import Foundation
import Hummingbird

extension RequestContext {
    /// A UUID path parameter; anything else is a 404 (the entity cannot exist).
    public func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw APIError.notFound }
        return id
    }
}

extension Optional {
    /// The wrapped value, or `error` thrown.
    public func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}

extension UUID {
    /// The lower-case text form the APIs show.
    public var text: String { uuidString.lowercased() }
}
