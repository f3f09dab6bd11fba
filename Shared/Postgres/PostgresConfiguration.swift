import Foundation

/// Where and how to connect to PostgreSQL.
///
/// Built from a URL (`postgres://user:pass@host:5432/db?sslmode=disable`, with `?host=/socket/dir` for a
/// unix socket) or from libpq-style key/value pairs (`host=… port=… dbname=…`).
public struct PostgresConfiguration: Sendable, Hashable {
    public var host: String?
    public var port: Int?
    /// Directory holding the server's unix socket; takes precedence over `host` when set.
    public var unixSocketDirectory: String?
    public var user: String?
    public var password: String?
    public var database: String?
    public var sslMode: String?
    public var applicationName: String?
    public var connectTimeoutSeconds: Int

    public init(
        host: String? = nil,
        port: Int? = nil,
        unixSocketDirectory: String? = nil,
        user: String? = nil,
        password: String? = nil,
        database: String? = nil,
        sslMode: String? = nil,
        applicationName: String? = nil,
        connectTimeoutSeconds: Int = 5
    ) {
        self.host = host
        self.port = port
        self.unixSocketDirectory = unixSocketDirectory
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// Parses either a `postgres://` / `postgresql://` URL or a libpq key/value string.
    public init(string: String) throws {
        let trimmed = string.trimmedSpaces
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            try self.init(url: trimmed)
        } else {
            try self.init(keyValues: Self.parseKeyValues(trimmed))
        }
    }

    /// Parses a `postgres://` URL.
    public init(url: String) throws {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw PostgresError.configuration("not a postgres:// URL: \(url)") }
        self.init()
        host = components.host.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        port = components.port
        user = components.user?.removingPercentEncoding
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path.removingPercentEncoding
        var pairs: [String: String] = [:]
        for item in components.queryItems ?? [] { pairs[item.name] = item.value ?? "" }
        try apply(pairs)
    }

    /// Builds the configuration from libpq keys (`host`, `port`, `user`, `password`, `dbname`, `sslmode`, …).
    public init(keyValues: [String: String]) throws {
        self.init()
        if let dbname = keyValues["dbname"] { database = dbname }
        if let user = keyValues["user"] { self.user = user }
        if let password = keyValues["password"] { self.password = password }
        if let port = keyValues["port"] {
            guard let value = Int(port), (1...65535).contains(value) else {
                throw PostgresError.configuration("port is not a port number: \(port)")
            }
            self.port = value
        }
        try apply(keyValues.filter { !["dbname", "user", "password", "port"].contains($0.key) })
    }

    private mutating func apply(_ pairs: [String: String]) throws {
        for (key, value) in pairs {
            switch key {
            case "host":
                if value.hasPrefix("/") { unixSocketDirectory = value } else { host = value }
            case "port":
                guard let number = Int(value) else { throw PostgresError.configuration("port is not a number: \(value)") }
                port = number
            case "sslmode": sslMode = value
            case "application_name": applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value) else { throw PostgresError.configuration("connect_timeout is not a number") }
                connectTimeoutSeconds = seconds
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            default: throw PostgresError.configuration("unsupported connection parameter: \(key)")
            }
        }
    }

    /// The same server with another database name: tests clone databases this way.
    public func with(database: String) -> PostgresConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The libpq connection string. Every session works in UTC with ISO dates so decoding is unambiguous.
    var connectionString: String {
        var pairs: [(String, String)] = []
        if let unixSocketDirectory { pairs.append(("host", unixSocketDirectory)) } else if let host { pairs.append(("host", host)) }
        if let port { pairs.append(("port", String(port))) }
        if let user { pairs.append(("user", user)) }
        if let password { pairs.append(("password", password)) }
        if let database { pairs.append(("dbname", database)) }
        if let sslMode { pairs.append(("sslmode", sslMode)) }
        if let applicationName { pairs.append(("application_name", applicationName)) }
        pairs.append(("connect_timeout", String(connectTimeoutSeconds)))
        pairs.append(("client_encoding", "UTF8"))
        pairs.append(("options", "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601"))
        return pairs.map { "\($0.0)='\(Self.quote($0.1))'" }.joined(separator: " ")
    }

    /// A URL form without the password, safe for logs.
    public var redactedDescription: String {
        let target = unixSocketDirectory ?? "\(host ?? "localhost"):\(port ?? 5432)"
        return "postgres://\(user.map { "\($0)@" } ?? "")\(target)/\(database ?? "")"
    }

    private static func quote(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }

    /// Splits `key=value key2='quoted value'` as libpq does.
    static func parseKeyValues(_ string: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var scanner = Substring(string)
        func skipSpaces() { scanner = scanner.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" }) }
        skipSpaces()
        while !scanner.isEmpty {
            guard let equals = scanner.firstIndex(of: "=") else {
                throw PostgresError.configuration("missing \"=\" after \"\(scanner)\" in connection string")
            }
            let key = scanner[..<equals].trimmedSpaces
            scanner = scanner[scanner.index(after: equals)...]
            skipSpaces()
            var value = ""
            if scanner.first == "'" {
                scanner = scanner.dropFirst()
                var closed = false
                while let character = scanner.first {
                    scanner = scanner.dropFirst()
                    if character == "\\", let next = scanner.first { value.append(next); scanner = scanner.dropFirst() }
                    else if character == "'" { closed = true; break }
                    else { value.append(character) }
                }
                guard closed else { throw PostgresError.configuration("unterminated quoted value for \(key)") }
            } else {
                let end = scanner.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) ?? scanner.endIndex
                value = String(scanner[..<end])
                scanner = scanner[end...]
            }
            result[key] = value
            skipSpaces()
        }
        return result
    }
}
