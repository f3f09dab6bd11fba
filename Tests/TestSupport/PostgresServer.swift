import Foundation
import Postgres

#if canImport(Glibc)
import Glibc
#endif

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
    public static func start() async throws -> PostgresServer {
        try await offThePool { try startBlocking() }
    }

    /// Runs `body` with a new private cluster and destroys the cluster afterwards, whatever happens.
    public static func with<Result: Sendable>(_ body: (PostgresServer) async throws -> Result) async throws -> Result {
        let server = try await start()
        do {
            let result = try await body(server)
            await server.destroy()
            return result
        } catch {
            await server.destroy()
            throw error
        }
    }

    static func startBlocking() throws -> PostgresServer {
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
        try server.startProcessBlocking()
        return server
    }

    var dataPath: String { directory.appendingPathComponent("data").path }

    /// Starts the stopped cluster again (the same socket, the same data).
    public func startProcess() async throws {
        try await Self.offThePool { try self.startProcessBlocking() }
    }

    /// Stops the cluster immediately, as a crash or an operator would; clients see their connections drop.
    public func stopProcess() async throws {
        try await Self.offThePool { try self.stopProcessBlocking() }
    }

    /// Stops the cluster and deletes its files.
    public func destroy() async {
        try? await Self.offThePool { self.destroyBlocking() }
    }

    func startProcessBlocking() throws {
        try runAsOwner("pg_ctl", ["-D", dataPath, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60", "start"])
    }

    func stopProcessBlocking() throws {
        try runAsOwner("pg_ctl", ["-D", dataPath, "-m", "immediate", "-w", "stop"])
    }

    func destroyBlocking() {
        try? stopProcessBlocking()
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

    /// Asks the child to close every descriptor above stderr: glibc's `posix_spawn_file_actions_addclosefrom_np`
    /// (looked up at run time, Swift does not import it), else one close action per open descriptor.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Runs blocking work (initdb, pg_ctl) on a thread of its own: blocking one of the few threads of Swift's
    /// cooperative pool would stall every other test running in parallel.
    static func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
            thread.start()
        }
    }

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

    /// Runs a command to completion with `posix_spawn` and `waitpid` (Foundation's `Process` can miss the exit
    /// of children started from several threads at once). Output goes to a temporary file, returned on failure.
    static func run(_ executable: String, _ arguments: [String]) throws {
        let outputPath = NSTemporaryDirectory() + "cmd-\(UUID().uuidString).log"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The server pg_ctl starts outlives the call: it must not inherit this process's sockets (a test's
        // listening socket kept open by postgres would keep accepting connections after the test closed it).
        closeInheritedDescriptors(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw TestSetupError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw TestSetupError("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)):\n\(output)")
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
