import Foundation
import Testing

/// Checks of the deployment files that ship beside the code: the compose file, `.env.example` and the
/// scripts. They read the repository found from this file's path and run `docker-compose` and `bash`.
@Suite("Deployment files")
struct DeploymentTests {
    static let services = ["auth", "customers", "ledger", "campaigns", "reviews"]

    /// Every configuration key of the services and the gateway; `.env.example` must document each one.
    static let configurationKeys = [
        "HOST", "PORT", "DATABASE_URL", "DATABASE_POOL_SIZE", "DATABASE_ACQUIRE_TIMEOUT",
        "JWT_PUBLIC_KEY_FILE", "JWT_PRIVATE_KEY_FILE", "MASTER_API_KEY", "DATA_DIR", "LOG_LEVEL",
        "BODY_LIMIT", "BCRYPT_COST", "MIGRATE_ON_START", "SEED_ADMIN_PASSWORD",
        "UPSTREAM_AUTH", "UPSTREAM_CUSTOMERS", "UPSTREAM_LEDGER", "UPSTREAM_CAMPAIGNS", "UPSTREAM_REVIEWS",
        "UPSTREAM_CONNECT_TIMEOUT", "UPSTREAM_TIMEOUT", "REPLICA_DOWN_SECONDS", "DNS_REFRESH_SECONDS",
    ]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ServiceKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let composeFile = "docker/docker-compose.yml"

    @Test("docker-compose validates the compose file")
    func composeFileIsValid() throws {
        let compose = try #require(Self.dockerCompose(), Self.dockerComposeMissing)
        let result = try Self.run(compose, ["-f", Self.composeFile, "config", "-q"], environment: ["ADMIN_PASSWORD": "test-only"])
        #expect(result.status == 0, "docker-compose config -q failed:\n\(result.stderr)")
    }

    @Test("the compose file has no default admin password")
    func composeRequiresAdminPassword() throws {
        let compose = try #require(Self.dockerCompose(), Self.dockerComposeMissing)
        let result = try Self.run(compose, ["-f", Self.composeFile, "config", "-q"], environment: ["ADMIN_PASSWORD": nil])
        #expect(result.status != 0, "without ADMIN_PASSWORD the compose file must refuse to render")
        #expect(result.stderr.contains("ADMIN_PASSWORD"))
    }

    @Test("the gateway alone publishes 8181; five scalable services behind it")
    func composeTopology() throws {
        let compose = try #require(Self.dockerCompose(), Self.dockerComposeMissing)
        let result = try Self.run(compose, ["-f", Self.composeFile, "config"], environment: ["ADMIN_PASSWORD": "test-only"])
        try #require(result.status == 0, "docker-compose config failed:\n\(result.stderr)")
        let services = ComposeServices(yaml: result.stdout)

        let namesContainers = result.stdout.contains("container_name")
        #expect(!namesContainers, "container_name blocks `--scale`")
        for name in Self.services + ["gateway", "postgres", "jwt-keys"] {
            #expect(services.block(name) != nil, "service \(name) is missing")
        }
        for name in Self.services {
            let block = services.block(name) ?? []
            #expect(block.contains { $0.contains("\(name)-service") }, "\(name) must run \(name)-service")
            #expect(ComposeServices.publishedPorts(block).isEmpty, "\(name) must not publish ports")
            let upstream = "UPSTREAM_\(name.uppercased()): dns://\(name):8080"
            #expect(services.block("gateway")?.contains { $0.contains(upstream) } == true, "gateway needs \(upstream)")
        }
        for name in ["postgres", "jwt-keys"] {
            #expect(ComposeServices.publishedPorts(services.block(name) ?? []).isEmpty, "\(name) must not publish ports")
        }
        #expect(ComposeServices.publishedPorts(services.block("gateway") ?? []) == ["8181"])
    }

    @Test(".env.example documents every configuration key")
    func envExampleDocumentsEveryKey() throws {
        let text = try String(contentsOf: Self.repositoryRoot.appendingPathComponent(".env.example"), encoding: .utf8)
        var documented = Set<String>()
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals]
            if !key.isEmpty, key.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
                documented.insert(String(key))
            }
        }
        let missing = Self.configurationKeys.filter { !documented.contains($0) }
        #expect(missing.isEmpty, ".env.example does not document \(missing.joined(separator: ", "))")
    }

    @Test("the scripts are executable bash that parses", arguments: ["scripts/run", "scripts/test", "scripts/bench", ".ci/run"])
    func scriptParses(path: String) throws {
        let url = Self.repositoryRoot.appendingPathComponent(path)
        #expect(FileManager.default.isExecutableFile(atPath: url.path), "\(path) must be executable")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("#!/usr/bin/env bash\n"))
        let bash = try #require(Self.executable(named: "bash"))
        let result = try Self.run(bash, ["-n", path])
        #expect(result.status == 0, "bash -n \(path):\n\(result.stderr)")
    }
}

// MARK: - Helpers

extension DeploymentTests {
    static let dockerComposeMissing: Comment =
        "docker-compose is not installed: scripts/test installs it (apt-get install docker-compose)"

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func dockerCompose() -> String? { executable(named: "docker-compose") }

    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"]
        return directories
            .map { URL(fileURLWithPath: $0).appendingPathComponent(name).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program in the repository root; `environment` adds (or, with nil, removes) variables.
    static func run(_ program: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment {
            env[key] = value
        }
        process.environment = env

        // Files rather than pipes: a full pipe would block the child while we wait for it.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("deployment-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        else {
            throw CocoaError(.fileWriteUnknown)
        }
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice

        try process.run()
        process.waitUntilExit()
        try stdout.close()
        try stderr.close()
        return Output(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8)
        )
    }
}

/// Just enough of `docker-compose config` output (block YAML, two-space indentation) to look at each
/// service's lines; both Compose v1 and v2 print this shape.
struct ComposeServices {
    private var blocks: [String: [String]] = [:]

    init(yaml: String) {
        var inServices = false
        var current: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            let indent = Self.indentation(line)
            if indent == 0 {
                inServices = line.hasPrefix("services:")
                current = nil
                continue
            }
            guard inServices else { continue }
            if indent == 2, line.hasSuffix(":") {
                let name = line.trimmingCharacters(in: .whitespaces).dropLast()
                current = String(name).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                blocks[current!] = []
            } else if let name = current {
                blocks[name, default: []].append(line)
            }
        }
    }

    func block(_ name: String) -> [String]? { blocks[name] }

    /// The host ports a service block publishes, from the long (`published: 8181`) or short (`- 8181:8181`)
    /// syntax.
    static func publishedPorts(_ block: [String]) -> [String] {
        guard let start = block.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "ports:" }) else {
            return []
        }
        let keyIndent = indentation(block[start])
        var ports: [String] = []
        for line in block[(start + 1)...] {
            let indent = indentation(line)
            var item = line.trimmingCharacters(in: .whitespaces)
            guard indent > keyIndent || (indent == keyIndent && item.hasPrefix("- ")) else { break }
            if item.hasPrefix("- ") {
                item = String(item.dropFirst(2))
            }
            let unquoted = { (text: String) in text.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
            if item.hasPrefix("published:") {
                ports.append(unquoted(String(item.dropFirst("published:".count))))
            } else if !item.contains(": "), item.contains(":") {
                // Short syntax: [HOST_IP:]HOST_PORT:CONTAINER_PORT
                let parts = unquoted(item).split(separator: ":")
                if parts.count >= 2 {
                    ports.append(String(parts[parts.count - 2]))
                }
            }
        }
        return ports
    }

    static func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }
}
