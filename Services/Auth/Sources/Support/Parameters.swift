import Foundation
import Hummingbird
import ServiceKit

extension RequestContext {
    /// An integer path parameter; anything else is a 404.
    func intParameter(_ name: String) throws -> Int {
        guard let text = parameters.get(name), let value = Int(text) else { throw APIError.notFound }
        return value
    }
}
