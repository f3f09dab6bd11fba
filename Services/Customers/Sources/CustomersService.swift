import Auth
import Hummingbird
import Postgres
import ServiceKit

/// The customers service: its schema, migrations and HTTP routes.
public enum CustomersService {
    /// The `customers` schema's migrations, bundled from `Migrations/`.
    public static let schema = bundledMigrations(schema: "customers", bundle: .module)

    /// Every schema this service needs, in the order they are applied (dependencies first).
    public static let migrations: [MigrationSet] = AuthService.migrations + [schema]

    /// What `ServiceMain` and the tests run.
    public static let definition = ServiceDefinition(
        name: "customers",
        defaultPort: 8102,
        migrations: migrations,
        credentials: AuthService.credentials,
        routes: { _, _ in },
        workers: { runtime in AuthService.credentialWorkers(runtime) }
    )
}
