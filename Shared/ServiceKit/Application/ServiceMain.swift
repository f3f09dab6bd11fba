import Foundation
import Hummingbird
import Logging
import Metrics
import Postgres
import Prometheus

#if canImport(Glibc)
import Glibc
#endif

/// The whole `main` of a service executable:
///
///     await ServiceMain.run(AuthService.definition)
///
/// `<service>` serves; `<service> migrate` applies migrations and exits; `<service> --routes` prints the
/// route table. Flags override environment keys (`--port 9000` ≡ `PORT=9000`).
public enum ServiceMain {
    public static func run(_ definition: ServiceDefinition, arguments: [String] = CommandLine.arguments) async {
        let arguments = Array(arguments.dropFirst())
        if arguments.contains("--routes") {
            await printRoutes(definition)
            return
        }
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.load(
                serviceName: definition.name, defaultPort: definition.defaultPort,
                needsPrivateKey: definition.needsPrivateKey, arguments: arguments
            )
        } catch {
            FileHandle.standardError.write(Data("\(definition.name)-service: \(error)\n".utf8))
            exit(2)
        }
        let registry = PrometheusCollectorRegistry()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "\(definition.name)-service")
        do {
            let runtime = try await ServiceRuntime(
                configuration: configuration, credentials: definition.credentials, metrics: registry, logger: logger
            )
            if arguments.first == "migrate" {
                let applied = try await Migrator(pool: runtime.pool, logger: logger).migrate(definition.migrations)
                print(applied.isEmpty ? "nothing to migrate" : applied.joined(separator: "\n"))
                await runtime.shutdown()
                return
            }
            let application = try await ServiceApplication.build(definition, runtime: runtime)
            do {
                try await application.runService()
            } catch {
                await runtime.shutdown()
                throw error
            }
            await runtime.shutdown()
        } catch {
            logger.critical("\(definition.name)-service stopped: \(error)")
            exit(1)
        }
    }

    /// Prints `METHOD /path` for every route, without touching the database.
    static func printRoutes(_ definition: ServiceDefinition) async {
        for line in await routeTable(definition) { print(line) }
    }

    /// The service's routes as `METHOD /path` lines, sorted by path.
    public static func routeTable(_ definition: ServiceDefinition) async -> [String] {
        let keys = DevelopmentKeys.make()
        let configuration = ServiceConfiguration(
            serviceName: definition.name, port: 0, database: PostgresConfiguration(host: "localhost"),
            jwtPublicKeyPEM: keys.publicKeyPEM, dataDirectory: URL(fileURLWithPath: NSTemporaryDirectory())
        )
        guard let runtime = try? await ServiceRuntime(configuration: configuration, logger: Logger(label: "routes")) else {
            return []
        }
        let router = ServiceApplication.router(for: definition, runtime: runtime)
        await runtime.shutdown()
        return router.routes
            .map { (path: "\($0.path)", method: "\($0.method)") }
            .sorted { ($0.path, $0.method) < ($1.path, $1.method) }
            .map { "\($0.method) \($0.path)" }
    }
}
