import Foundation
import GatewayKit
import Logging
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let allUpstreams = [
        "UPSTREAM_AUTH": "http://127.0.0.1:8101",
        "UPSTREAM_CUSTOMERS": "http://127.0.0.1:8102,http://127.0.0.1:8112",
        "UPSTREAM_LEDGER": "dns://ledger:8080",
        "UPSTREAM_CAMPAIGNS": "http://campaigns:8080",
        "UPSTREAM_REVIEWS": "https://reviews.internal",
    ]

    @Test("every missing or malformed key is reported in one error")
    func everyProblemAtOnce() {
        let environment = [
            "UPSTREAM_LEDGER": "ftp://ledger", "UPSTREAM_TIMEOUT": "soon", "LOG_LEVEL": "loud",
            "REPLICA_DOWN_SECONDS": "-1", "DNS_REFRESH_SECONDS": "0",
        ]
        #expect {
            try GatewayConfiguration.load(arguments: ["--port", "x"], environment: environment)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            let keys = [
                "UPSTREAM_AUTH is missing", "UPSTREAM_CUSTOMERS is missing", "UPSTREAM_CAMPAIGNS is missing",
                "UPSTREAM_REVIEWS is missing", #"PORT is not a port number: "x""#, #"UPSTREAM_LEDGER is not"#,
                #"UPSTREAM_TIMEOUT is not a positive number of seconds: "soon""#, #"LOG_LEVEL is not a log level"#,
                "REPLICA_DOWN_SECONDS is not", "DNS_REFRESH_SECONDS is not",
            ]
            return error.problems.count == keys.count
                && keys.allSatisfy { key in error.problems.contains { $0.hasPrefix(key) } }
                && error.description.hasPrefix("configuration error: ")
        }
    }

    @Test("the message lists missing keys first, then malformed ones")
    func messageFormat() {
        var environment = Self.allUpstreams
        environment["UPSTREAM_AUTH"] = nil
        environment["PORT"] = "x"
        #expect {
            try GatewayConfiguration.load(arguments: [], environment: environment)
        } throws: { error in
            "\(error)" == #"configuration error: UPSTREAM_AUTH is missing; PORT is not a port number: "x""#
        }
    }

    @Test("defaults apply when only the upstreams are given")
    func defaults() throws {
        let configuration = try GatewayConfiguration.load(arguments: [], environment: Self.allUpstreams)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8181)
        #expect(configuration.connectTimeout == .seconds(2))
        #expect(configuration.upstreamTimeout == .seconds(30))
        #expect(configuration.replicaDownDuration == .seconds(10))
        #expect(configuration.dnsRefreshInterval == .seconds(5))
        #expect(configuration.logLevel == .info)
        #expect(configuration.upstreams[.ledger] == .dns(host: "ledger", port: 8080))
        #expect(
            configuration.upstreams[.customers]
                == .list([Replica(baseURL: "http://127.0.0.1:8102"), Replica(baseURL: "http://127.0.0.1:8112")])
        )
    }

    @Test("command-line flags override the environment")
    func flagsOverrideEnvironment() throws {
        var environment = Self.allUpstreams
        environment["PORT"] = "1000"
        environment["LOG_LEVEL"] = "error"
        let configuration = try GatewayConfiguration.load(
            arguments: ["--port", "8282", "--upstream-ledger=http://10.0.0.7:9000", "--log-level", "debug",
                        "--upstream-timeout", "2.5", "--host", "127.0.0.1"],
            environment: environment
        )
        #expect(configuration.port == 8282)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.upstreams[.ledger] == .list([Replica(baseURL: "http://10.0.0.7:9000")]))
        #expect(configuration.logLevel == .debug)
        #expect(configuration.upstreamTimeout == .milliseconds(2500))
    }

    @Test("bad command-line arguments are reported with the rest")
    func badArguments() {
        #expect {
            try GatewayConfiguration.load(arguments: ["--bogus", "1", "stray", "--port"], environment: Self.allUpstreams)
        } throws: { error in
            (error as? ConfigurationError)?.problems == ["unknown option --bogus", "unexpected argument stray", "--port needs a value"]
        }
    }

    @Test(
        "upstream values: URL lists and dns:// names",
        arguments: [
            ("http://127.0.0.1:8101,http://127.0.0.1:8111", true), ("http://ledger:8080/", true),
            ("dns://ledger:8080", true), ("dns://[fd00::1]:8080", true),
            ("dns://ledger", false), ("ledger:8080", false), ("http://ledger:8080/api", false),
            ("ftp://ledger", false), ("http://a:1, http://b:2", true), ("", false), ("http://", false),
        ]
    )
    func upstreamSpecs(text: String, valid: Bool) {
        #expect((UpstreamSpec(parsing: text) != nil) == valid)
    }
}

/// Runs the built `gateway` executable (next to the test bundle) when it is there.
@Suite("gateway executable", .enabled(if: GatewayExecutable.url != nil))
struct GatewayExecutableTests {
    @Test("a configuration error exits with code 2 and names every problem")
    func configurationErrorExitCode() throws {
        let result = try GatewayExecutable.run(arguments: ["--port", "x"], environment: [:])
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("configuration error: UPSTREAM_AUTH is missing;"))
        #expect(result.standardError.contains(#"PORT is not a port number: "x""#))
    }

    @Test("--routes prints the route table and exits")
    func routes() throws {
        let result = try GatewayExecutable.run(arguments: ["--routes"], environment: [:])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == EndpointRow.all.count)
        #expect(lines.contains { $0.hasPrefix("GET") && $0.contains("/metrics") && $0.hasSuffix("gateway") })
    }
}

enum GatewayExecutable {
    static let url: URL? = {
        let candidate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("gateway")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }()

    static func run(arguments: [String], environment: [String: String]) throws -> (status: Int32, standardOutput: String, standardError: String) {
        guard let url else { throw TestSetupError(description: "the gateway executable is not built") }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }
}
