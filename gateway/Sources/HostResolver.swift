import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed name lookup.
struct HostResolutionError: Error, CustomStringConvertible {
    let host: String
    let code: Int32

    var description: String {
        "cannot resolve \(host): \(String(cString: gai_strerror(code)))"
    }
}

/// Resolves a host name to all of its IPv4 and IPv6 addresses with `getaddrinfo`.
enum HostResolver {
    /// The distinct addresses of `host`, IPv4 first, in resolver order. `getaddrinfo` blocks, so it runs on
    /// NIO's blocking-IO thread pool rather than on a Swift concurrency thread.
    static func addresses(of host: String) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive {
            try resolveBlocking(host)
        }
    }

    private static func resolveBlocking(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { throw HostResolutionError(host: host, code: status) }
        defer { freeaddrinfo(list) }

        var ipv4: [String] = []
        var ipv6: [String] = []
        var entry = list
        while let info = entry?.pointee {
            if let address = numericAddress(info) {
                if info.ai_family == AF_INET6 {
                    if !ipv6.contains(address) { ipv6.append(address) }
                } else if !ipv4.contains(address) {
                    ipv4.append(address)
                }
            }
            entry = info.ai_next
        }
        return ipv4 + ipv6
    }

    /// The numeric form (`10.0.0.3`, `fd00::3`) of one `getaddrinfo` result.
    private static func numericAddress(_ info: addrinfo) -> String? {
        guard let socketAddress = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let converted: UnsafePointer<CChar>?
        switch info.ai_family {
        case AF_INET:
            converted = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                var raw = ipv4.pointee.sin_addr
                return inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
            }
        case AF_INET6:
            converted = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                var raw = ipv6.pointee.sin6_addr
                return inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
            }
        default:
            return nil
        }
        guard converted != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
