import Foundation
import Logging
import Postgres

/// The settings every service reads at start-up (documented in `.env.example`).
public struct ServiceConfiguration: Sendable {
    public var serviceName: String
    public var host: String
    public var port: Int
    public var database: PostgresConfiguration
    public var databasePoolSize: Int
    public var databaseAcquireTimeout: Duration
    /// PEM of the RSA key that verifies every JWT of the suite.
    public var jwtPublicKeyPEM: String
    /// PEM of the RSA key that signs JWTs; only the auth service has it.
    public var jwtPrivateKeyPEM: String?
    /// The configured master API key, if any (full admin rights).
    public var masterAPIKey: String?
    /// Where the mail/SMS outbox, uploads and archives live.
    public var dataDirectory: URL
    public var logLevel: Logger.Level
    /// Largest request body accepted, in bytes.
    public var bodyLimit: Int
    public var migrateOnStart: Bool
    /// Password of the `admin` user created on an empty database (auth only; unset: none is created).
    public var seedAdminPassword: String?

    public init(
        serviceName: String, host: String = "127.0.0.1", port: Int, database: PostgresConfiguration,
        databasePoolSize: Int = 10, databaseAcquireTimeout: Duration = .seconds(5), jwtPublicKeyPEM: String,
        jwtPrivateKeyPEM: String? = nil, masterAPIKey: String? = nil, dataDirectory: URL,
        logLevel: Logger.Level = .info, bodyLimit: Int = 10 * 1024 * 1024, migrateOnStart: Bool = true,
        seedAdminPassword: String? = nil
    ) {
        self.serviceName = serviceName
        self.host = host
        self.port = port
        self.database = database
        self.databasePoolSize = databasePoolSize
        self.databaseAcquireTimeout = databaseAcquireTimeout
        self.jwtPublicKeyPEM = jwtPublicKeyPEM
        self.jwtPrivateKeyPEM = jwtPrivateKeyPEM
        self.masterAPIKey = masterAPIKey
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
        self.bodyLimit = bodyLimit
        self.migrateOnStart = migrateOnStart
        self.seedAdminPassword = seedAdminPassword
    }

    /// Reads the configuration, throwing one `ConfigurationError` that names every missing or malformed key.
    public static func load(
        serviceName: String, defaultPort: Int, needsPrivateKey: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment, arguments: [String] = []
    ) throws -> ServiceConfiguration {
        var reader = ConfigurationReader(environment: environment, arguments: arguments)
        let host = reader.string("HOST", default: "0.0.0.0")
        let port = reader.port("PORT", default: defaultPort)
        let databaseURL = reader.requiredString("DATABASE_URL")
        var database = PostgresConfiguration()
        if !databaseURL.isEmpty {
            do { database = try PostgresConfiguration(string: databaseURL) } catch {
                reader.problem("DATABASE_URL is not a valid PostgreSQL URL: \(error)")
            }
        }
        database.applicationName = serviceName
        let poolSize = reader.integer("DATABASE_POOL_SIZE", default: 10, range: 1...500)
        let acquireTimeout = reader.seconds("DATABASE_ACQUIRE_TIMEOUT", default: 5)
        let publicKey = reader.fileContents("JWT_PUBLIC_KEY_FILE", required: true) ?? ""
        let privateKey = reader.fileContents("JWT_PRIVATE_KEY_FILE", required: needsPrivateKey)
        let masterKey = reader.optionalString("MASTER_API_KEY")
        if let masterKey, masterKey.count < 32 {
            reader.problem("MASTER_API_KEY must be at least 32 characters")
        }
        let dataDirectory = URL(fileURLWithPath: reader.string("DATA_DIR", default: ".data/files"))
        let levelName = reader.string("LOG_LEVEL", default: "info")
        let logLevel = Logger.Level(rawValue: levelName.lowercased())
        if logLevel == nil { reader.problem("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical") }
        let bodyLimit = reader.integer("BODY_LIMIT", default: 10 * 1024 * 1024, range: 1024...1_073_741_824)
        let migrateOnStart = reader.bool("MIGRATE_ON_START", default: true)
        let seedAdminPassword = reader.optionalString("SEED_ADMIN_PASSWORD")
        try reader.validate()
        return ServiceConfiguration(
            serviceName: serviceName, host: host, port: port, database: database, databasePoolSize: poolSize,
            databaseAcquireTimeout: acquireTimeout, jwtPublicKeyPEM: publicKey, jwtPrivateKeyPEM: privateKey,
            masterAPIKey: masterKey, dataDirectory: dataDirectory, logLevel: logLevel ?? .info,
            bodyLimit: bodyLimit, migrateOnStart: migrateOnStart, seedAdminPassword: seedAdminPassword
        )
    }
}
