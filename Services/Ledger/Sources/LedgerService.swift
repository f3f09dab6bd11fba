import Auth
import Customers
import Hummingbird
import Postgres
import ServiceKit

/// The ledger service: its schema, migrations and HTTP routes.
public enum LedgerService {
    /// The `ledger` schema's migrations, bundled from `Migrations/`.
    public static let schema = bundledMigrations(schema: "ledger", bundle: .module)

    /// Every schema this service needs, in the order they are applied (dependencies first).
    public static let migrations: [MigrationSet] = CustomersService.migrations + [schema]

    /// What `ServiceMain` and the tests run.
    public static let definition = ServiceDefinition(
        name: "ledger",
        defaultPort: 8103,
        migrations: migrations,
        credentials: AuthService.credentials,
        routes: { router, _ in addRoutes(to: router) },
        workers: { runtime in
            AuthService.credentialWorkers(runtime) + PointsScheduler.workers(runtime) + [
                SignUpReaction.consumer(runtime),
                BackgroundTask("earning rule cache") { await RuleCache.of(runtime).follow(runtime.listener) },
            ]
        }
    )

    /// Replays POSTs sent again with the same `Idempotency-Key` (keys in `suite.idempotency_keys`).
    static let idempotency = IdempotencyMiddleware<StoreContext>(service: "ledger") { ($0 as? PointsRefusal)?.apiError }

    static func addRoutes(to router: Router<ServiceContext>) {
        let api = router.storeGroup()
        api.add(middleware: idempotency)
        PointsController().add(to: api)
        CustomerStatusController().add(to: api)
        VerificationController().add(to: api)
        EarningRuleController().add(to: api)
        TransactionLabelController().add(to: api)
        TransactionController().add(to: api)
        EventAwardController().add(to: api)
        PlatformOrderController().add(to: api)
        AnalyticsController().add(to: api)
        ImportController().add(to: api)

        let okendo = OkendoLoyaltyController()
        let merchant = router.merchantGroup()
        merchant.add(middleware: idempotency)
        okendo.addMerchant(to: merchant)
        okendo.addSubscriber(to: router.subscriberGroup())
        let storefront = router.storefrontGroup()
        storefront.add(middleware: idempotency)
        okendo.addStorefront(to: storefront)
    }
}
