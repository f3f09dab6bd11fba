import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
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
        routes: { router, runtime in CustomersRoutes.add(to: router, runtime: runtime) },
        workers: { runtime in
            let ledger = LedgerEventConsumer(runtime: runtime).consumer
            let segments = SegmentWorkers(runtime: runtime)
            let segmentConsumer = segments.consumer
            let purchases = CampaignPurchaseConsumer.consumer(runtime)
            return AuthService.credentialWorkers(runtime) + [
                CustomersRoutes.idempotency.keyCleanup(pool: runtime.pool, logger: runtime.logger),
                BackgroundTask(purchases.name) { try await purchases.run() },
                BackgroundTask(ledger.name) { try await ledger.run() },
                BackgroundTask(segmentConsumer.name) { try await segmentConsumer.run() },
                BackgroundTask("customers.segments.periodic") { await segments.periodic() },
                BackgroundTask("customers.levels.periodic") { await PeriodicLevelRecalculation(runtime: runtime).run() },
            ]
        }
    )
}

/// The controllers of the customers service and where they are mounted.
enum CustomersRoutes {
    /// Replays POSTs sent again with the same `Idempotency-Key` (DESIGN §9): a registration retried by a POS
    /// registers once.
    static let idempotency = IdempotencyMiddleware<StoreContext>(service: "customers")

    static func add(to router: Router<ServiceContext>, runtime: ServiceRuntime) {
        let notifier = CustomerNotifier(outbox: runtime.outbox)
        let logger = runtime.logger
        let lifecycle = CustomerLifecycle(notifier: notifier, logger: logger)
        let store = router.storeGroup()
        store.add(middleware: idempotency)
        let registration = CustomerRegistration(notifier: notifier, logger: logger)
        let update = CustomerUpdate(notifier: notifier, logger: logger)
        store.addRoutes(RegistrationController(registration: registration).routes)
        store.addRoutes(CustomerController(reader: CustomerReader(), update: update, lifecycle: lifecycle).routes)
        store.addRoutes(PlatformCustomerController(registration: registration, update: update).routes)
        store.addRoutes(CustomerImportController(registration: registration).routes)
        store.addRoutes(ActivationController(lifecycle: lifecycle).routes)
        store.addRoutes(AssignmentController(assignments: CustomerAssignments()).routes)
        store.addRoutes(LevelController(service: LevelService()).routes)
        store.addRoutes(PosController().routes)
        store.addRoutes(SellerController().routes)
        store.addRoutes(SettingsController().routes)
        store.addRoutes(SettingsFilesController().routes)
        store.addRoutes(TranslationController().routes)
        store.addRoutes(EmailTemplateController().routes)
        store.addRoutes(CustomerExtrasController().routes)
        store.addRoutes(AnalyticsController().routes)
        store.addRoutes(SegmentController().routes)
        let okendo = OkendoCustomerController()
        let merchant = router.merchantGroup(), subscriber = router.subscriberGroup(), session = router.storefrontGroup()
        for group in [merchant, subscriber, session] { group.add(middleware: idempotency) }
        merchant.addRoutes(okendo.merchantRoutes)
        subscriber.addRoutes(okendo.storefrontRoutes)
        session.addRoutes(okendo.sessionRoutes)
    }
}
