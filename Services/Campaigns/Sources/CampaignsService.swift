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
        workers: { runtime in AuthService.credentialWorkers(runtime) + [InstantRewardReaction.consumer(runtime)] }
    )

    static func addRoutes(to router: Router<ServiceContext>) {
        let api = router.storeGroup()
        CampaignController().add(to: api)
        OfferController().add(to: api)
        PurchaseController().add(to: api)
        ValidationController().add(to: api)
        CashbackController().add(to: api)
        let redemption = RedemptionController()
        redemption.addMerchant(to: router.merchantGroup())
        redemption.addStorefront(to: router.storefrontGroup())
        let subscriber = router.subscriberGroup()
        redemption.addSubscriber(to: subscriber)
        VipProgramController().add(to: subscriber)
    }
}
