import Foundation
import Hummingbird
import Logging
import Postgres

/// Builds the HTTP application of a service: the same function serves `main` and the tests.
public enum ServiceApplication {
    /// The router with ServiceKit's middleware, the system routes and the service's own routes.
    public static func router(for definition: ServiceDefinition, runtime: ServiceRuntime) -> Router<ServiceContext> {
        let router = Router(context: ServiceContext.self)
        // Middleware wraps the routes added after it, so it goes first. Outermost first:
        router.add(middleware: RequestIDMiddleware(runtime: runtime))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: IdentityMiddleware())
        SystemRoutes.add(to: router, runtime: runtime)
        definition.routes(router, runtime)
        return router
    }

    /// Migrates (when configured), runs the definition's preparation, and returns the application with the
    /// service's workers attached. `runtime.shutdown()` is the caller's to call after the app stops.
    public static func build(
        _ definition: ServiceDefinition, runtime: ServiceRuntime
    ) async throws -> some ApplicationProtocol {
        if runtime.configuration.migrateOnStart {
            try await Migrator(pool: runtime.pool, logger: runtime.logger).migrate(definition.migrations)
        }
        try await definition.prepare(runtime)
        let router = router(for: definition, runtime: runtime)
        let storeCacheFollower = StoreCacheFollower(stores: runtime.stores, listener: runtime.listener)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(runtime.configuration.host, port: runtime.configuration.port),
                serverName: definition.name
            ),
            services: [storeCacheFollower] + definition.workers(runtime),
            logger: runtime.logger
        )
    }
}
