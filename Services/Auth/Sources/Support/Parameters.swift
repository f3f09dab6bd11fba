import Foundation
import Hummingbird
import ServiceKit

extension RequestContext {
    /// A UUID path parameter; anything else is a 404 (the entity cannot exist).
    func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw APIError.notFound }
        return id
    }

    /// An integer path parameter; anything else is a 404.
    func intParameter(_ name: String) throws -> Int {
        guard let text = parameters.get(name), let value = Int(text) else { throw APIError.notFound }
        return value
    }
}
