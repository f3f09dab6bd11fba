import Auth
import Campaigns
import Customers
import Ledger
import Postgres
import Reviews
import ServiceKit

/// Every schema of the suite, dependencies first: what the test template database is migrated with.
public enum AllMigrations {
    public static let sets: [MigrationSet] = {
        var seen: Set<String> = []
        return (CampaignsService.migrations + ReviewsService.migrations).filter { seen.insert($0.schema).inserted }
    }()
}
