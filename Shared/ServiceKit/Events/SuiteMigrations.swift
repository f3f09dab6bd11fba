import Foundation
import Postgres

/// The schema ServiceKit itself owns: `suite` (the event log and its consumer queues).
public enum SuiteSchema {
    /// Loaded from the bundled `Migrations` folder.
    public static let migrations: MigrationSet = bundledMigrations(schema: "suite", bundle: .module)
}

/// Loads a target's bundled `Migrations` folder; a missing or malformed folder is a build defect.
public func bundledMigrations(schema: String, bundle: Bundle) -> MigrationSet {
    guard let directory = bundle.url(forResource: "Migrations", withExtension: nil) else {
        preconditionFailure("the \(schema) migrations are missing from the bundle \(bundle.bundlePath)")
    }
    do {
        return try MigrationSet.load(schema: schema, directory: directory)
    } catch {
        preconditionFailure("the \(schema) migrations cannot be loaded: \(error)")
    }
}
