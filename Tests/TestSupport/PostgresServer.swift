import Foundation
import Postgres

/// A private PostgreSQL cluster in a temporary directory, reachable only through its unix socket,
/// so test runs never collide with each other or with a developer's database.
///
/// `initdb` refuses to run as root; when the tests run as root the cluster belongs to the `postgres` user.
public final class PostgresServer: Sendable {
    public let directory: URL
    public let binDirectory: URL

    /// Socket-only URL of the cluster's `postgres` database.
    public var configuration: PostgresConfiguration {
        PostgresConfiguration(unixSocketDirectory: directory.path, user: "postgres", database: "postgres")
    }

    private init(directory: URL, binDirectory: URL) {
        self.directory = directory
        self.binDirectory = binDirectory
    }

    /// Creates and starts a new cluster, tuned for throwaway data (no fsync).
    public static func start() throws -> PostgresServer {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("lpg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = PostgresServer(directory: directory, binDirectory: try findBinDirectory())
        if isRoot { try run("/bin/chown", ["-R", "postgres:postgres", directory.path]) }
        try server.runAsOwner("initdb", ["-D", server.dataPath, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        let settings = """
            listen_addresses = ''
            unix_socket_directories = '\(directory.path)'
            max_connections = 400
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            shared_buffers = 128MB
            """
        try server.runAsOwner("/bin/sh", ["-c", "printf '%s\\n' \"$0\" >> \(server.dataPath)/postgresql.conf", settings])
        try server.startProcess()
        return server
    }

    var dataPath: String { directory.appendingPathComponent("data").path }

    /// Starts the stopped cluster again (the same socket, the same data).
    public func startProcess() throws {
        try runAsOwner("pg_ctl", ["-D", dataPath, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60", "start"])
    }

    /// Stops the cluster immediately, as a crash or an operator would; clients see their connections drop.
    public func stopProcess() throws {
        try runAsOwner("pg_ctl", ["-D", dataPath, "-m", "immediate", "-w", "stop"])
    }

    /// Stops the cluster and deletes its files.
    public func destroy() {
        try? stopProcess()
        try? FileManager.default.removeItem(at: directory)
    }

    private func runAsOwner(_ tool: String, _ arguments: [String]) throws {
        let executable = tool.hasPrefix("/") ? tool : binDirectory.appendingPathComponent(tool).path
        if Self.isRoot {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        } else {
            try Self.run(executable, arguments)
        }
    }

    static var isRoot: Bool { getuid() == 0 }

    /// The newest `/usr/lib/postgresql/<version>/bin`, or the directory of `pg_ctl` on PATH.
    static func findBinDirectory() throws -> URL {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        if let newest = versions.compactMap(Int.init).max() {
            return URL(fileURLWithPath: "\(root)/\(newest)/bin")
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") { return URL(fileURLWithPath: String(directory)) }
        }
        throw TestSetupError("PostgreSQL server binaries not found: install the postgresql package (scripts/test does)")
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TestSetupError("\(executable) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)):\n\(text)")
        }
        return text
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
