import Foundation
import Logging
import Postgres

/// Databases for tests: one PostgreSQL per test run (a private cluster, or the server `DATABASE_URL`
/// names), one migrated template, and a fresh clone of it for every test that asks.
public enum TestDatabase {
    /// The server and the migrated template, made once per process.
    struct Environment: Sendable {
        let server: PostgresConfiguration
        let template: String
    }

    private static let environment = Task<Environment, any Error> { try await makeEnvironment() }

    /// A new database cloned from the migrated template (`CREATE DATABASE … TEMPLATE …`), so each test starts
    /// from exactly the schema and seed data a fresh deployment has.
    ///
    /// At most `slots` test databases exist at once (`TEST_DATABASE_SLOTS`, default 12); further callers wait
    /// for a `drop(_:)`. This bounds the connections every running test holds and keeps a 2-core machine from
    /// thrashing when the test runner starts hundreds of tests at once.
    public static func fresh() async throws -> PostgresConfiguration {
        await slots.acquire()
        do {
            return try await clone()
        } catch {
            await slots.release()
            throw error
        }
    }

    private static let slots = AsyncSemaphore(
        count: ProcessInfo.processInfo.environment["TEST_DATABASE_SLOTS"].flatMap { Int($0) }.map { max(1, $0) } ?? 12
    )

    private static func clone() async throws -> PostgresConfiguration {
        let environment = try await environment.value
        let name = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased())"
        try await withAdminSession(environment.server) { session in
            try await session.simpleQuery("CREATE DATABASE \(name) TEMPLATE \(environment.template)")
        }
        return environment.server.with(database: name)
    }

    /// Runs `body` with a pool on a fresh database, closing the pool and dropping the database afterwards.
    public static func withPool<Result>(
        size: Int = 8, acquireTimeout: Duration = .seconds(5),
        _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        let configuration = try await fresh()
        let pool = PostgresPool(configuration: configuration, size: size, acquireTimeout: acquireTimeout)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            try await drop(configuration)
            return result
        } catch {
            await pool.shutdown()
            try? await drop(configuration)
            throw error
        }
    }

    /// Drops a database made by `fresh()`, disconnecting anyone still on it.
    public static func drop(_ configuration: PostgresConfiguration) async throws {
        guard let name = configuration.database else { return }
        defer { Task { await slots.release() } }
        let environment = try await environment.value
        try await withAdminSession(environment.server) { session in
            try await session.simpleQuery("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    private static func makeEnvironment() async throws -> Environment {
        let server: PostgresConfiguration
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            server = try PostgresConfiguration(string: url)
        } else {
            let privateServer = try await PostgresServer.start()
            SharedServer.register(privateServer)
            server = privateServer.configuration
        }
        let template = "tpl_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try await withAdminSession(server) { session in
            try await session.simpleQuery("CREATE DATABASE \(template)")
        }
        let pool = PostgresPool(configuration: server.with(database: template), size: 1)
        try await Migrator(pool: pool, logger: Logger(label: "test.migrations")).migrate(AllMigrations.sets)
        await pool.shutdown()
        return Environment(server: server, template: template)
    }

    private static func withAdminSession(
        _ server: PostgresConfiguration, _ body: (PostgresSession) async throws -> Void
    ) async throws {
        let pool = PostgresPool(configuration: server, size: 1)
        defer { Task { await pool.shutdown() } }
        try await pool.withConnection(body)
    }
}

/// Keeps the private cluster until the test process exits, then removes it.
enum SharedServer {
    nonisolated(unsafe) private static var server: PostgresServer?

    static func register(_ server: PostgresServer) {
        self.server = server
        atexit { SharedServer.server?.destroyBlocking() }
    }
}

/// A counting semaphore for async tests. A caller that has waited `patience` goes ahead anyway (the count goes
/// negative), so a test that needs two databases at once can never deadlock the run.
actor AsyncSemaphore {
    private var available: Int
    private let patience: Duration

    init(count: Int, patience: Duration = .seconds(60)) {
        available = count
        self.patience = patience
    }

    func acquire() async {
        let deadline = ContinuousClock.now + patience
        while available <= 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        available -= 1
    }

    func release() {
        available += 1
    }
}
