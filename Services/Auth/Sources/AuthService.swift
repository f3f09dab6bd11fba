import Hummingbird
import Postgres
import ServiceKit

/// The auth service: its schema, migrations and HTTP routes, and the credential checks every service uses.
public enum AuthService {
    /// The `auth` schema's migrations, bundled from `Migrations/`.
    public static let schema = bundledMigrations(schema: "auth", bundle: .module)

    /// Every schema this service needs, in the order they are applied (dependencies first).
    public static let migrations: [MigrationSet] = [SuiteSchema.migrations, schema]

    /// The credential checks of the suite, for `ServiceDefinition.credentials` of every service:
    /// permanent tokens, merchant API credentials, ACL permissions, revoked tokens and inactive users.
    public static let credentials: @Sendable (PostgresPool) -> any CredentialStore = { pool in AuthCredentials(database: pool) }

    /// The worker that keeps a service's credential cache in step with revocations (for `workers`).
    public static func credentialWorkers(_ runtime: ServiceRuntime) -> [BackgroundTask] {
        guard let cache = runtime.credentialCache else { return [] }
        return [BackgroundTask("auth credential cache") { await cache.follow(runtime.listener) }]
    }

    /// What `ServiceMain` and the tests run.
    public static let definition = ServiceDefinition(
        name: "auth",
        defaultPort: 8101, needsPrivateKey: true,
        migrations: migrations,
        credentials: credentials,
        routes: { router, runtime in AuthRoutes.add(to: router, runtime: runtime) },
        workers: { runtime in
            credentialWorkers(runtime) + [
                BackgroundTask("auth maintenance") { await AuthMaintenance(pool: runtime.pool, logger: runtime.logger).run() },
                AuthRoutes.idempotency.keyCleanup(pool: runtime.pool, logger: runtime.logger),
            ]
        },
        prepare: { runtime in try await AuthSeed.run(runtime) }
    )
}

/// The controllers of the auth service and where they are mounted.
enum AuthRoutes {
    /// Replays POSTs sent again with the same `Idempotency-Key`, global and store endpoints alike (DESIGN §9).
    static let idempotency = IdempotencyMiddleware<ServiceContext>(service: "auth")

    static func add(to router: Router<ServiceContext>, runtime: ServiceRuntime) {
        router.add(middleware: idempotency)
        let issuer = TokenIssuer(signer: runtime.tokens)
        let login = LoginService(pool: runtime.pool, issuer: issuer)
        let passwords = PasswordController(
            service: PasswordService(pool: runtime.pool, outbox: runtime.outbox), limiter: login.limiter
        )
        let logins = LoginController(service: login)
        router.addRoutes(logins.routes)
        router.addRoutes(TokenController(service: login).routes)
        router.addRoutes(passwords.routes)
        router.addRoutes(AdminController(service: AdminService()).routes)
        router.addRoutes(AclController(repository: RoleRepository()).routes)
        router.addRoutes(StoreController(repository: StoreRepository()).routes)
        router.addRoutes(MerchantCredentialController(repository: MerchantCredentialRepository(), stores: StoreRepository()).routes)
        router.addRoutes(AuditController(repository: AuditRepository(), archive: AuditArchive(dataDirectory: runtime.configuration.dataDirectory)).routes)
        router.addRoutes(EventController(repository: EventRepository()).routes)
        let store = router.storeGroup()
        store.addRoutes(logins.storeRoutes)
        store.addRoutes(passwords.storeRoutes)
        router.subscriberGroup().addRoutes(StorefrontLoginController(issuer: issuer).routes)
    }
}
