import Auth
import Ledger
import Hummingbird
import Postgres
import ServiceKit

/// The reviews service: its schema, migrations and HTTP routes.
public enum ReviewsService {
    /// The `reviews` schema's migrations, bundled from `Migrations/`.
    public static let schema = bundledMigrations(schema: "reviews", bundle: .module)

    /// Every schema this service needs, in the order they are applied (dependencies first).
    public static let migrations: [MigrationSet] = LedgerService.migrations + [schema]

    /// What `ServiceMain` and the tests run.
    public static let definition = ServiceDefinition(
        name: "reviews",
        defaultPort: 8105,
        migrations: migrations,
        credentials: AuthService.credentials,
        routes: { _, _ in },
        workers: { runtime in AuthService.credentialWorkers(runtime) }
    )
}
