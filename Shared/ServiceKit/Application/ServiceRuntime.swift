import Foundation
import Logging
import Postgres
import Prometheus

/// What a running service shares between its requests: configuration, database, listener, the tenant
/// directory, token verification and the credential checks of the auth library.
public final class ServiceRuntime: Sendable {
    public let configuration: ServiceConfiguration
    public let pool: PostgresPool
    public let listener: PostgresListener
    public let stores: StoreDirectory
    public let tokens: TokenVerifier
    public let credentials: any CredentialStore
    public let metrics: PrometheusCollectorRegistry
    public let logger: Logger

    public init(
        configuration: ServiceConfiguration, credentials: (@Sendable (PostgresPool) -> any CredentialStore)? = nil,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logger: Logger
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        pool = PostgresPool(
            configuration: configuration.database, size: configuration.databasePoolSize,
            acquireTimeout: configuration.databaseAcquireTimeout, logger: logger
        )
        listener = PostgresListener(configuration: configuration.database, logger: logger)
        stores = StoreDirectory(database: pool)
        tokens = try await TokenVerifier(publicKeyPEM: configuration.jwtPublicKeyPEM, privateKeyPEM: configuration.jwtPrivateKeyPEM)
        self.credentials = credentials?(pool) ?? NoCredentials()
        self.metrics = metrics
    }

    /// Closes the listener and the pool.
    public func shutdown() async {
        listener.shutdown()
        await pool.shutdown()
    }
}
