import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Health, configuration and route tables")
struct ServiceLifecycleTests {
    @Test func healthcheckFollowsTheDatabaseWithoutARestart() async throws {
        try await PostgresServer.with { server in
        let setup = PostgresPool(configuration: server.configuration, size: 1)
        try await setup.execute("CREATE DATABASE loyalty")
        await setup.shutdown()
        let database = server.configuration.with(database: "loyalty")
        let migrator = PostgresPool(configuration: database, size: 1)
        try await Migrator(pool: migrator).migrate(AllMigrations.sets)
        await migrator.shutdown()

        try await TestService.run(ProbeService.definition, database: database) { client, _ in
            try await client.execute(uri: "/api/healthcheck", method: .get) { response in
                #expect(response.status == .noContent)
                #expect(response.body.readableBytes == 0)
            }
            try await server.stopProcess()
            try await client.execute(uri: "/api/healthcheck", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let items = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [[String: String]]
                #expect(items?.count == 1)
                #expect(items?.first?["name"] == "PostgreSQL")
                #expect(items?.first?["status"] == "Problem")
                #expect(items?.first?["message"]?.isEmpty == false)
            }
            try await server.startProcess()
            try await client.execute(uri: "/api/healthcheck", method: .get) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/DEFAULT/probe/whoami", method: .get) { #expect($0.status == .ok) }
        }
        }
    }

    @Test func configurationNamesEveryProblemAtOnce() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(
                serviceName: "auth", defaultPort: 8101, needsPrivateKey: true,
                environment: ["PORT": "eighty", "DATABASE_POOL_SIZE": "0", "LOG_LEVEL": "loud", "JWT_PUBLIC_KEY_FILE": "/nonexistent.pem"],
                arguments: ["--master-api-key", "short"]
            )
        }
        #expect(error.problems == [
            "PORT is not a port number: \"eighty\"",
            "DATABASE_URL is missing",
            "DATABASE_POOL_SIZE must be an integer in 1...500, got \"0\"",
            "JWT_PUBLIC_KEY_FILE names a file that cannot be read: /nonexistent.pem",
            "JWT_PRIVATE_KEY_FILE is missing",
            "MASTER_API_KEY must be at least 32 characters",
            "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical",
        ])
    }

    @Test func flagsOverrideTheEnvironment() throws {
        let keyFile = NSTemporaryDirectory() + "key-\(UUID()).pem"
        try TestKeys.suite.publicKeyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        defer { unlink(keyFile) }
        let configuration = try ServiceConfiguration.load(
            serviceName: "ledger", defaultPort: 8103,
            environment: ["PORT": "9000", "DATABASE_URL": "postgres://a@b/c", "JWT_PUBLIC_KEY_FILE": keyFile],
            arguments: ["--port", "9100", "--database-url=postgres://x@y:6000/z", "--migrate-on-start", "false"]
        )
        #expect(configuration.port == 9100)
        #expect(configuration.database.host == "y")
        #expect(configuration.database.port == 6000)
        #expect(configuration.migrateOnStart == false)
        #expect(configuration.database.applicationName == "ledger")
    }

    @Test func routeTableListsEveryRoute() async {
        let routes = await ServiceMain.routeTable(ProbeService.definition)
        #expect(routes.contains("GET /api/healthcheck"))
        #expect(routes.contains("GET /api"))
        #expect(routes.contains("POST /api/{storeCode}/probe/levels") || routes.contains("POST /api/:storeCode/probe/levels"))
        #expect(routes.contains { $0.hasPrefix("GET /enterprise/probe/whoami") })
    }
}
