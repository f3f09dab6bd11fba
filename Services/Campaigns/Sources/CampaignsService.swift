import Auth
import Customers
import Ledger
import Hummingbird
import Postgres
import ServiceKit

/// The campaigns service: its schema, migrations and HTTP routes.
public enum CampaignsService {
    /// The `campaigns` schema's migrations, bundled from `Migrations/`.
    public static let schema = bundledMigrations(schema: "campaigns", bundle: .module)

    /// Every schema this service needs, in the order they are applied (dependencies first).
    public static let migrations: [MigrationSet] = LedgerService.migrations + [schema]

    /// What `ServiceMain` and the tests run.
    public static let definition = ServiceDefinition(
        name: "campaigns",
        defaultPort: 8104,
        migrations: migrations,
        credentials: AuthService.credentials,
        routes: { router, _ in addRoutes(to: router) },
        workers: { runtime in
            AuthService.credentialWorkers(runtime) + [
                InstantRewardReaction.consumer(runtime), idempotency.keyCleanup(pool: runtime.pool, logger: runtime.logger),
            ]
        }
    )

    /// Replays POSTs sent again with the same `Idempotency-Key` (a buy retried by a POS spends once).
    static let idempotency = IdempotencyMiddleware<StoreContext>(service: "campaigns")

    static func addRoutes(to router: Router<ServiceContext>) {
        let api = router.storeGroup()
        api.add(middleware: idempotency)
        CampaignController().add(to: api)
        CategoryController().add(to: api)
        MediaController().add(to: api)
        VisibleCustomersController().add(to: api)
        OfferController().add(to: api)
        PurchaseController().add(to: api)
        ValidationController().add(to: api)
        CashbackController().add(to: api)
        let redemption = RedemptionController()
        let merchant = router.merchantGroup(), storefront = router.storefrontGroup()
        merchant.add(middleware: idempotency)
        storefront.add(middleware: idempotency)
        redemption.addMerchant(to: merchant)
        redemption.addStorefront(to: storefront)
        let subscriber = router.subscriberGroup()
        redemption.addSubscriber(to: subscriber)
        VipProgramController().add(to: subscriber)
    }
}
