import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import ServiceKit

/// Keys and secrets shared by every test of a run.
public enum TestKeys {
    /// The suite's key pair: services verify with its public half, tests sign with its private half.
    public static let suite = DevelopmentKeys.make()
    /// A stranger's key pair: tokens it signs must be refused.
    public static let stranger = DevelopmentKeys.make()
    /// The master API key every test service is configured with.
    public static let masterKey = String(repeating: "5e", count: 32)
}

/// Runs a service's real application on a real port against a database of its own.
public enum TestService {
    /// A configuration for tests: port 0, the test keys, a temporary data directory.
    public static func configuration(
        for definition: ServiceDefinition, database: PostgresConfiguration
    ) -> ServiceConfiguration {
        ServiceConfiguration(
            serviceName: definition.name, host: "127.0.0.1", port: 0, database: database, databasePoolSize: 8,
            databaseAcquireTimeout: .seconds(5), jwtPublicKeyPEM: TestKeys.suite.publicKeyPEM,
            jwtPrivateKeyPEM: definition.needsPrivateKey ? TestKeys.suite.privateKeyPEM : nil,
            masterAPIKey: TestKeys.masterKey,
            dataDirectory: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("data-\(UUID().uuidString)"),
            logLevel: .warning, bodyLimit: 1024 * 1024, migrateOnStart: false
        )
    }

    /// Starts the service over HTTP on a fresh database (or the one given), runs `test` with a client, and
    /// tears everything down afterwards.
    public static func run(
        _ definition: ServiceDefinition,
        database: PostgresConfiguration? = nil,
        configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ test: @escaping @Sendable (any TestClientProtocol, ServiceRuntime) async throws -> Void
    ) async throws {
        let ownsDatabase = database == nil
        let database = if let database { database } else { try await TestDatabase.fresh() }
        var configuration = configuration(for: definition, database: database)
        configure(&configuration)
        var logger = Logger(label: "test.\(definition.name)")
        logger.logLevel = configuration.logLevel
        let runtime = try await ServiceRuntime(configuration: configuration, credentials: definition.credentials, logger: logger)
        do {
            let application = try await ServiceApplication.build(definition, runtime: runtime)
            try await application.test(.live) { client in try await test(client, runtime) }
        } catch {
            await runtime.shutdown()
            if ownsDatabase { try? await TestDatabase.drop(database) }
            throw error
        }
        await runtime.shutdown()
        if ownsDatabase { try await TestDatabase.drop(database) }
    }
}
