import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an upstream attempt failed, which decides between failover, 502, 503 and 504.
enum UpstreamFailure: Sendable, Equatable {
    /// No connection was made (refused, unreachable, connect timeout): the upstream never saw the request,
    /// so another replica may be tried.
    case notConnected
    /// Every pooled connection to the replica stayed busy for the whole connect timeout: the request was not
    /// sent, but the replica is not down either.
    case busy
    /// The upstream accepted the request but did not answer within the read timeout.
    case timedOut
    /// The connection was closed or reset under the request, e.g. a pooled keep-alive connection that the
    /// upstream had just closed (it stopped, or its idle timeout struck).
    case connectionLost
    /// The upstream answered with something that is not valid HTTP, or failed otherwise.
    case broken

    init(classifying error: any Error) {
        switch error {
        case let error as HTTPClientError:
            self = Self.classify(error)
        case is NIOConnectionError:
            self = .notConnected
        case ChannelError.connectTimeout:
            self = .notConnected
        case let error as IOError where Self.connectErrnos.contains(error.errnoCode):
            self = .notConnected
        case let error as IOError where Self.connectionLostErrnos.contains(error.errnoCode):
            self = .connectionLost
        case ChannelError.ioOnClosedChannel, ChannelError.eof, ChannelError.outputClosed:
            self = .connectionLost
        default:
            self = .broken
        }
    }

    /// The error the client gets when this was the last attempt.
    var gatewayError: GatewayError {
        switch self {
        case .notConnected, .busy: .serviceUnavailable
        case .timedOut: .gatewayTimeout
        case .connectionLost, .broken: .badGateway
        }
    }

    private static let connectErrnos: Set<Int32> = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL]
    private static let connectionLostErrnos: Set<Int32> = [ECONNRESET, EPIPE]

    private static func classify(_ error: HTTPClientError) -> Self {
        switch error {
        case .connectTimeout: .notConnected
        case .getConnectionFromPoolTimeout: .busy
        case .readTimeout, .deadlineExceeded: .timedOut
        case .remoteConnectionClosed: .connectionLost
        default: .broken
        }
    }
}
