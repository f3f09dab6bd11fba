import Foundation
import Hummingbird
import Logging

/// What every request of a service knows before its handler runs: its id, the caller, the service's
/// shared dependencies. Middleware fills it in; handlers read it.
public struct ServiceContext: RequestContext, IdentifiedContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id: the gateway's `X-Request-Id`, or a new one.
    public var requestID: String = ""
    /// The verified caller, nil for anonymous requests.
    public var identity: Identity?
    /// The caller's address, for rate limits and the audit log.
    public var clientAddress: String?
    /// Set by the service's middleware; never nil inside a handler.
    public var runtimeReference: ServiceRuntime?
    /// The tenant resolved by the store middleware of a store-scoped group (see `StoreContext`).
    public var resolvedStore: Store?
    public var bodyLimit: Int = 10 * 1024 * 1024

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { bodyLimit }

    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    public var runtime: ServiceRuntime {
        guard let runtimeReference else { preconditionFailure("ServiceContext used outside a ServiceKit application") }
        return runtimeReference
    }
}

/// A request context that knows its caller; the `require…` checks live on it.
public protocol IdentifiedContext: RequestContext {
    var requestID: String { get }
    var identity: Identity? { get }
    var runtime: ServiceRuntime { get }
    var clientAddress: String? { get }
}

/// The shared JSON encoder: sorted keys (stable output), no escaped slashes.
public enum JSONCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
