import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

extension RequestContext {
    /// A UUID path parameter; anything else is a 404 (the entity cannot exist).
    func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw APIError.notFound }
        return id
    }

    /// A path parameter as text; 404 when absent.
    func textParameter(_ name: String) throws -> String {
        guard let text = parameters.get(name), !text.isEmpty else { throw APIError.notFound }
        return text.removingPercentEncoding ?? text
    }
}

extension Optional {
    /// The wrapped value, or `error` thrown.
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}

extension UUID {
    /// The lower-case text form the API shows.
    var text: String { uuidString.lowercased() }
}

extension Response {
    /// `200` with an empty body, as several Open Loyalty actions answer.
    static var emptyOK: Response { Response(status: .ok) }

    /// `200 []`, as the admin level and POS assignments answer.
    static var emptyArray: Response { Response.json(bytes: Array("[]".utf8)) }
}
