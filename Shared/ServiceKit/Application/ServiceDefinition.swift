import Hummingbird
import Postgres
import ServiceLifecycle

/// What a service library tells ServiceKit about itself; ServiceKit does the rest (configuration,
/// migrations, middleware, system routes, background workers, graceful shutdown).
public struct ServiceDefinition: Sendable {
    /// Short name: `auth`, `customers`, `ledger`, `campaigns`, `reviews`.
    public var name: String
    public var defaultPort: Int
    /// Only the auth service signs tokens.
    public var needsPrivateKey: Bool
    /// The schemas this service needs, its dependencies' first (applied in order at start-up).
    public var migrations: [MigrationSet]
    /// The credential checks (the auth library's, for every service that links it).
    public var credentials: (@Sendable (PostgresPool) -> any CredentialStore)?
    /// Adds the service's routes.
    public var routes: @Sendable (Router<ServiceContext>, ServiceRuntime) -> Void
    /// Long-running workers (event consumers, schedulers) started and stopped with the server.
    public var workers: @Sendable (ServiceRuntime) -> [any Service]
    /// Runs once after migrations, before serving (seed data).
    public var prepare: @Sendable (ServiceRuntime) async throws -> Void

    public init(
        name: String, defaultPort: Int, needsPrivateKey: Bool = false, migrations: [MigrationSet],
        credentials: (@Sendable (PostgresPool) -> any CredentialStore)? = nil,
        routes: @escaping @Sendable (Router<ServiceContext>, ServiceRuntime) -> Void,
        workers: @escaping @Sendable (ServiceRuntime) -> [any Service] = { _ in [] },
        prepare: @escaping @Sendable (ServiceRuntime) async throws -> Void = { _ in }
    ) {
        self.name = name
        self.defaultPort = defaultPort
        self.needsPrivateKey = needsPrivateKey
        self.migrations = migrations
        self.credentials = credentials
        self.routes = routes
        self.workers = workers
        self.prepare = prepare
    }
}
