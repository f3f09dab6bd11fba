import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

extension RequestContext {
    /// A path parameter as text; 404 when absent.
    func textParameter(_ name: String) throws -> String {
        guard let text = parameters.get(name), !text.isEmpty else { throw APIError.notFound }
        return text.removingPercentEncoding ?? text
    }
}

extension Response {
    /// `200` with an empty body, as several Open Loyalty actions answer.
    static var emptyOK: Response { Response(status: .ok) }

    /// `200 []`, as the admin level and POS assignments answer.
    static var emptyArray: Response { Response.json(bytes: Array("[]".utf8)) }
}
