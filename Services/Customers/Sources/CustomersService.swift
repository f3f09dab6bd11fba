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
            return AuthService.credentialWorkers(runtime) + [BackgroundTask(ledger.name) { try await ledger.run() }]
        }
    )
}

/// The controllers of the customers service and where they are mounted.
enum CustomersRoutes {
    static func add(to router: Router<ServiceContext>, runtime: ServiceRuntime) {
        let notifier = CustomerNotifier(outbox: runtime.outbox)
        let logger = runtime.logger
        let lifecycle = CustomerLifecycle(notifier: notifier, logger: logger)
        let store = router.storeGroup()
        store.addRoutes(RegistrationController(registration: CustomerRegistration(notifier: notifier, logger: logger)).routes)
        store.addRoutes(
            CustomerController(reader: CustomerReader(), update: CustomerUpdate(notifier: notifier, logger: logger), lifecycle: lifecycle).routes
        )
        store.addRoutes(ActivationController(lifecycle: lifecycle).routes)
        store.addRoutes(AssignmentController(assignments: CustomerAssignments()).routes)
        store.addRoutes(LevelController(service: LevelService()).routes)
    }
}
