import Foundation
import Logging
import ServiceLifecycle

/// The five upstream services of the suite.
public enum UpstreamService: String, CaseIterable, Sendable {
    case auth, customers, ledger, campaigns, reviews

    /// Configuration key naming its replicas, e.g. `UPSTREAM_LEDGER`.
    public var configurationKey: String { "UPSTREAM_" + rawValue.uppercased() }
}

/// How a service's replicas are found.
public enum UpstreamSpec: Sendable, Equatable {
    /// A fixed list of base URLs (`http://127.0.0.1:8101,http://127.0.0.1:8111`).
    case list([Replica])
    /// Every A/AAAA address of `host`, re-resolved periodically (`dns://ledger:8080`), as with
    /// `docker compose up --scale ledger=3`.
    case dns(host: String, port: Int)

    /// Parses a configuration value; `nil` when it is neither form.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("dns://") {
            guard let (host, port) = Self.hostAndPort(String(trimmed.dropFirst("dns://".count))) else { return nil }
            self = .dns(host: host, port: port)
            return
        }
        let replicas = trimmed.split(separator: ",").map { Self.replica(from: $0.trimmingCharacters(in: .whitespaces)) }
        guard !replicas.isEmpty, replicas.allSatisfy({ $0 != nil }) else { return nil }
        self = .list(replicas.compactMap { $0 })
    }

    /// A base URL: http(s), a host, optionally a port, and no path, query or credentials.
    private static func replica(from text: String) -> Replica? {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/",
            components.query == nil, components.user == nil
        else { return nil }
        return Replica(baseURL: text)
    }

    /// `host:port` with a port in 1...65535 (IPv6 literals in brackets).
    private static func hostAndPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"),
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("/") else { return nil }
        return (host, port)
    }
}

/// The replica sets of all services, plus the background services that keep DNS-discovered ones current.
struct Upstreams: Sendable {
    /// Replica set per service name (`ledger`, …).
    let replicaSets: [String: ReplicaSet]
    /// One refresher per `dns://` upstream; run them as services of the application.
    let refreshers: [DNSReplicaRefresher]

    /// Builds the replica sets, resolving `dns://` upstreams once up front so the gateway starts with replicas.
    init(
        specs: [UpstreamService: UpstreamSpec],
        replicaDownDuration: Duration,
        dnsRefreshInterval: Duration,
        logger: Logger
    ) async {
        var replicaSets: [String: ReplicaSet] = [:]
        var refreshers: [DNSReplicaRefresher] = []
        for (service, spec) in specs {
            let set = ReplicaSet(service: service.rawValue, replicas: [], downDuration: replicaDownDuration)
            switch spec {
            case .list(let replicas):
                set.replace(with: replicas)
            case .dns(let host, let port):
                let refresher = DNSReplicaRefresher(
                    replicaSet: set, host: host, port: port, interval: dnsRefreshInterval, logger: logger
                )
                await refresher.refresh()
                refreshers.append(refresher)
            }
            replicaSets[service.rawValue] = set
        }
        self.replicaSets = replicaSets
        self.refreshers = refreshers
    }
}

/// Re-resolves a `dns://host:port` upstream every `interval` and replaces the replica set's members.
struct DNSReplicaRefresher: Service, CustomStringConvertible {
    let replicaSet: ReplicaSet
    let host: String
    let port: Int
    let interval: Duration
    let logger: Logger

    var description: String { "DNSReplicaRefresher(\(replicaSet.service): \(host):\(port))" }

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await refresh()
            }
        }
    }

    /// Resolves once. On failure the previous members are kept: a DNS hiccup must not empty the set.
    func refresh() async {
        do {
            let addresses = try await HostResolver.addresses(of: host)
            let replicas = addresses.map { Replica(baseURL: "http://\(Self.urlHost($0)):\(port)") }
            if replicas != replicaSet.replicas {
                logger.info(
                    "upstream replicas changed",
                    metadata: ["service": "\(replicaSet.service)", "replicas": "\(replicas)"]
                )
            }
            replicaSet.replace(with: replicas)
        } catch {
            logger.warning(
                "DNS lookup failed, keeping previous replicas",
                metadata: ["service": "\(replicaSet.service)", "host": "\(host)", "error": "\(error)"]
            )
        }
    }

    /// IPv6 addresses go in brackets inside URLs.
    private static func urlHost(_ address: String) -> String {
        address.contains(":") ? "[\(address)]" : address
    }
}
