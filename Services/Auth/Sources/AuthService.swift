import Hummingbird
import Postgres
import ServiceKit

/// The auth service: its schema, migrations and HTTP routes.
public enum AuthService {
    /// The `auth` schema's migrations, bundled from `Migrations/`.
    public static let schema = bundledMigrations(schema: "auth", bundle: .module)

    /// Every schema this service needs, in the order they are applied (dependencies first).
    public static let migrations: [MigrationSet] = [SuiteSchema.migrations, schema]

    /// What `ServiceMain` and the tests run.
    public static let definition = ServiceDefinition(
        name: "auth",
        defaultPort: 8101, needsPrivateKey: true,
        migrations: migrations,
        routes: { _, _ in }
    )
}
