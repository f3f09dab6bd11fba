import Foundation
import Logging

/// Everything the gateway needs to start, read from the environment with command-line flags overriding it
/// (`--some-key value` or `--some-key=value` ≡ `SOME_KEY=value`).
public struct GatewayConfiguration: Sendable {
    /// Address to listen on (`HOST`, default `0.0.0.0`).
    public var host: String
    /// Port to listen on (`PORT`, default 8181; 0 picks a free port).
    public var port: Int
    /// Where each service's replicas are (`UPSTREAM_AUTH`, … — all required).
    public var upstreams: [UpstreamService: UpstreamSpec]
    /// Connect timeout per upstream attempt (`UPSTREAM_CONNECT_TIMEOUT` seconds, default 2).
    public var connectTimeout: Duration
    /// Read timeout while waiting for an upstream (`UPSTREAM_TIMEOUT` seconds, default 30).
    public var upstreamTimeout: Duration
    /// How long a replica that refused a connection is skipped (`REPLICA_DOWN_SECONDS`, default 10).
    public var replicaDownDuration: Duration
    /// How often `dns://` upstreams are re-resolved (`DNS_REFRESH_SECONDS`, default 5).
    public var dnsRefreshInterval: Duration
    /// Log level (`LOG_LEVEL`, default `info`).
    public var logLevel: Logger.Level

    /// A configuration with the documented defaults for everything but the upstreams.
    public init(
        host: String = "0.0.0.0",
        port: Int = 8181,
        upstreams: [UpstreamService: UpstreamSpec],
        connectTimeout: Duration = .seconds(2),
        upstreamTimeout: Duration = .seconds(30),
        replicaDownDuration: Duration = .seconds(10),
        dnsRefreshInterval: Duration = .seconds(5),
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.upstreams = upstreams
        self.connectTimeout = connectTimeout
        self.upstreamTimeout = upstreamTimeout
        self.replicaDownDuration = replicaDownDuration
        self.dnsRefreshInterval = dnsRefreshInterval
        self.logLevel = logLevel
    }

    /// Every key the gateway reads.
    public static let keys: [String] =
        ["HOST", "PORT"] + UpstreamService.allCases.map(\.configurationKey)
        + ["UPSTREAM_CONNECT_TIMEOUT", "UPSTREAM_TIMEOUT", "REPLICA_DOWN_SECONDS", "DNS_REFRESH_SECONDS", "LOG_LEVEL"]

    /// Reads the configuration, reporting every missing or malformed key at once.
    /// - Parameters:
    ///   - arguments: command-line arguments without the program name.
    ///   - environment: the process environment.
    public static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> Self {
        var reader = ConfigurationReader(values: environment)
        reader.apply(commandLine: arguments)
        let configuration = Self(
            host: reader.string("HOST", default: "0.0.0.0"),
            port: reader.port("PORT", default: 8181),
            upstreams: reader.upstreams(),
            connectTimeout: reader.seconds("UPSTREAM_CONNECT_TIMEOUT", default: 2),
            upstreamTimeout: reader.seconds("UPSTREAM_TIMEOUT", default: 30),
            replicaDownDuration: reader.seconds("REPLICA_DOWN_SECONDS", default: 10, allowZero: true),
            dnsRefreshInterval: reader.seconds("DNS_REFRESH_SECONDS", default: 5),
            logLevel: reader.logLevel("LOG_LEVEL", default: .info)
        )
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}

/// Every problem found in the configuration, e.g.
/// `configuration error: UPSTREAM_AUTH is missing; PORT is not a port number: "x"`.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// One entry per missing or malformed key (or bad command-line argument).
    public let problems: [String]

    public var description: String {
        "configuration error: " + problems.joined(separator: "; ")
    }
}

/// Reads typed values from merged environment and command-line values, collecting problems instead of stopping
/// at the first one.
struct ConfigurationReader {
    private var values: [String: String]
    private var missing: [String] = []
    private var malformed: [String] = []
    private var badArguments: [String] = []

    /// Everything found wrong: missing keys first, then malformed values, then bad command-line arguments.
    var problems: [String] { missing + malformed + badArguments }

    init(values: [String: String]) {
        self.values = values
    }

    /// Lays `--some-key value` / `--some-key=value` over the environment as `SOME_KEY`.
    mutating func apply(commandLine arguments: [String]) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--"), argument.count > 2 else {
                badArguments.append("unexpected argument \(argument)")
                continue
            }
            let option = argument.dropFirst(2)
            let (name, inlineValue) = Self.splitInlineValue(option)
            let key = name.uppercased().replacingOccurrences(of: "-", with: "_")
            guard GatewayConfiguration.keys.contains(key) else {
                badArguments.append("unknown option --\(name)")
                if inlineValue == nil, let next = remaining.first, !next.hasPrefix("--") { remaining.removeFirst() }
                continue
            }
            if let inlineValue {
                values[key] = inlineValue
            } else if let next = remaining.first, !next.hasPrefix("--") {
                values[key] = remaining.removeFirst()
            } else {
                badArguments.append("--\(name) needs a value")
            }
        }
    }

    private static func splitInlineValue(_ option: Substring) -> (String, String?) {
        guard let equals = option.firstIndex(of: "=") else { return (String(option), nil) }
        return (String(option[..<equals]), String(option[option.index(after: equals)...]))
    }

    func string(_ key: String, default defaultValue: String) -> String {
        values[key].flatMap { $0.isEmpty ? nil : $0 } ?? defaultValue
    }

    mutating func port(_ key: String, default defaultValue: Int) -> Int {
        parse(key, default: defaultValue, expected: "a port number") { Int($0).flatMap { (0...65535).contains($0) ? $0 : nil } }
    }

    mutating func seconds(_ key: String, default defaultValue: Double, allowZero: Bool = false) -> Duration {
        let seconds = parse(key, default: defaultValue, expected: "a positive number of seconds") { text in
            Double(text).flatMap { $0.isFinite && ($0 > 0 || (allowZero && $0 == 0)) ? $0 : nil }
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    mutating func logLevel(_ key: String, default defaultValue: Logger.Level) -> Logger.Level {
        let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        return parse(key, default: defaultValue, expected: "a log level (\(names))") {
            Logger.Level(rawValue: $0.lowercased())
        }
    }

    /// All five upstreams; each is required.
    mutating func upstreams() -> [UpstreamService: UpstreamSpec] {
        var upstreams: [UpstreamService: UpstreamSpec] = [:]
        for service in UpstreamService.allCases {
            let key = service.configurationKey
            guard let text = values[key], !text.isEmpty else {
                missing.append("\(key) is missing")
                continue
            }
            guard let spec = UpstreamSpec(parsing: text) else {
                malformed.append("\(key) is not a list of http:// base URLs or a dns://host:port name: \"\(text)\"")
                continue
            }
            upstreams[service] = spec
        }
        return upstreams
    }

    /// The parsed value of an optional key, or the default (recording a problem when the value is malformed).
    private mutating func parse<Value>(
        _ key: String,
        default defaultValue: Value,
        expected: String,
        _ convert: (String) -> Value?
    ) -> Value {
        guard let text = values[key], !text.isEmpty else { return defaultValue }
        guard let value = convert(text.trimmingCharacters(in: .whitespaces)) else {
            malformed.append("\(key) is not \(expected): \"\(text)\"")
            return defaultValue
        }
        return value
    }
}
