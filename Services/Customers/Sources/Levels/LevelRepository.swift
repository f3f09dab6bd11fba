import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// SQL over `customers.levels`; every method takes the store first.
struct LevelRepository: Sendable {
    static let columns = """
        l.store_id, l.id, l.name, l.description, l.translations, l.active, l.condition_value, l.min_order, l.reward_name,
        l.reward_percent, l.reward_code, l.special_rewards, l.created_at, l.updated_at,
        (SELECT count(*) FROM customers.customers c WHERE c.store_id = l.store_id AND c.level_id = l.id AND c.status <> 'deleted') AS customers_count,
        EXISTS (SELECT 1 FROM customers.files f WHERE f.store_id = l.store_id AND f.kind = 'level_photo' AND f.owner = l.id::text) AS has_photo
        """

    /// Sort names of the level lists → SQL.
    static let sortable = [
        "name": "lower(l.name)", "conditionValue": "l.condition_value", "active": "l.active", "createdAt": "l.created_at",
        "levelId": "l.id", "id": "l.id", "reward": "l.reward_percent", "customersCount": "customers_count",
    ]

    func find(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> LevelRecord? {
        try await database.query("SELECT \(unsafeRaw: Self.columns) FROM customers.levels l WHERE l.store_id = \(storeID) AND l.id = \(id)")
            .firstRow.map(LevelRecord.init(row:))
    }

    /// A page of levels; `activeOnly` for the customer's view.
    func list(on database: some PostgresQueryable, storeID: UUID, page: Pagination, activeOnly: Bool) async throws -> (levels: [LevelRecord], total: Int) {
        let condition: SQL = "l.store_id = \(storeID) AND (\(!activeOnly) OR l.active)"
        let levels = try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM customers.levels l WHERE \(condition) \(page.orderAndLimit(tieBreaker: "l.id"))
            """).map(LevelRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM customers.levels l WHERE \(condition)").scalar(Int.self)
        return (levels, total)
    }

    /// Every level of the store, lowest threshold first.
    func all(on database: some PostgresQueryable, storeID: UUID) async throws -> [LevelRecord] {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM customers.levels l WHERE l.store_id = \(storeID) ORDER BY l.condition_value, l.id
            """).map(LevelRecord.init(row:))
    }

    /// The thresholds of every level (the assignment algorithm's input), without counting customers.
    func thresholds(on database: some PostgresQueryable, storeID: UUID) async throws -> [LevelThreshold] {
        try await database.query("""
            SELECT id, active, condition_value, reward_percent FROM customers.levels WHERE store_id = \(storeID)
            """).map { row in
            LevelThreshold(
                id: try row.decode(UUID.self, "id"), active: try row.decode(Bool.self, "active"),
                conditionValue: try row.decode(Amount.self, "condition_value"), rewardPercent: try row.decode(Amount.self, "reward_percent")
            )
        }
    }

    /// Levels named `name` (any case).
    func named(on database: some PostgresQueryable, storeID: UUID, name: String) async throws -> [LevelThreshold] {
        try await database.query("""
            SELECT id, active, condition_value, reward_percent FROM customers.levels
            WHERE store_id = \(storeID) AND lower(name) = lower(\(name))
            """).map { row in
            LevelThreshold(
                id: try row.decode(UUID.self, "id"), active: try row.decode(Bool.self, "active"),
                conditionValue: try row.decode(Amount.self, "condition_value"), rewardPercent: try row.decode(Amount.self, "reward_percent")
            )
        }
    }

    func exists(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT EXISTS (SELECT 1 FROM customers.levels WHERE store_id = \(storeID) AND id = \(id)) AS found")
            .scalar(Bool.self)
    }

    /// Inserts or replaces a level's data.
    func save(on database: some PostgresQueryable, _ level: LevelRecord) async throws {
        let translations = try JSONB(encoding: level.translations)
        let special = try JSONB(encoding: level.specialRewards)
        try await database.execute("""
            INSERT INTO customers.levels (store_id, id, name, description, translations, active, condition_value, min_order,
                reward_name, reward_percent, reward_code, special_rewards, created_at, updated_at)
            VALUES (\(level.storeID), \(level.id), \(level.name), \(level.description), \(translations)::jsonb, \(level.active),
                \(level.conditionValue), \(level.minOrder), \(level.reward.name), \(level.reward.percent), \(level.reward.code),
                \(special)::jsonb, \(level.createdAt), now())
            ON CONFLICT (store_id, id) DO UPDATE SET name = excluded.name, description = excluded.description,
                translations = excluded.translations, active = excluded.active, condition_value = excluded.condition_value,
                min_order = excluded.min_order, reward_name = excluded.reward_name, reward_percent = excluded.reward_percent,
                reward_code = excluded.reward_code, special_rewards = excluded.special_rewards, updated_at = now()
            """)
    }

    func setActive(on database: some PostgresQueryable, storeID: UUID, id: UUID, active: Bool) async throws {
        try await database.execute("UPDATE customers.levels SET active = \(active), updated_at = now() WHERE store_id = \(storeID) AND id = \(id)")
    }

    /// Per-level customer counts for the analytics (EP-13).
    func analytics(on database: some PostgresQueryable, storeID: UUID) async throws -> [LevelRecord] {
        try await all(on: database, storeID: storeID)
    }
}

/// What the assignment algorithm needs of a level.
struct LevelThreshold: Sendable, Hashable {
    let id: UUID
    let active: Bool
    let conditionValue: Amount
    let rewardPercent: Amount
}

extension LevelRecord {
    init(row: PostgresRow) throws {
        storeID = try row.decode(UUID.self, "store_id")
        id = try row.decode(UUID.self, "id")
        name = try row.decode(String.self, "name")
        description = try row.decode(String?.self, "description")
        translations = try row.decode(JSONB.self, "translations").decode(as: [String: LevelTranslation].self)
        active = try row.decode(Bool.self, "active")
        conditionValue = try row.decode(Amount.self, "condition_value")
        minOrder = try row.decode(Amount?.self, "min_order")
        reward = LevelReward(
            name: try row.decode(String.self, "reward_name"), percent: try row.decode(Amount.self, "reward_percent"),
            code: try row.decode(String.self, "reward_code")
        )
        specialRewards = try row.decode(JSONB.self, "special_rewards").decode(as: [SpecialReward].self)
        createdAt = try row.decode(Date.self, "created_at")
        updatedAt = try row.decode(Date.self, "updated_at")
        customersCount = try row.decode(Int.self, "customers_count")
        hasPhoto = try row.decode(Bool.self, "has_photo")
    }
}
