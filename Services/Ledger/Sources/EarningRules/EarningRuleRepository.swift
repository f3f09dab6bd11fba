import Foundation
import Postgres
import ServiceKit

/// SQL over `ledger.earning_rules`. Every method takes the store first.
enum EarningRuleRepository {
    static let columns = """
        id, type, name, description, active, all_time_active, start_at, end_at, target, levels, segments, pos, event_name, config,
        limit_active, limit_period, limit_limit, last_executed_rule, photo IS NOT NULL AS has_photo, updated_at
        """

    static let sortable: [String: String] = [
        "name": "name", "type": "type", "active": "active", "startAt": "start_at", "endAt": "end_at",
        "createdAt": "created_at", "updatedAt": "updated_at", "earningRuleId": "id",
    ]

    static func rule(_ row: PostgresRow) throws -> EarningRule {
        let type: String = try row["type"]
        let config: JSONB = try row["config"]
        let limitActive: Bool = try row["limit_active"]
        let period: String? = try row["limit_period"]
        return EarningRule(
            id: try row["id"], type: RuleType(rawValue: type) ?? .event, name: try row["name"], description: try row["description"],
            active: try row["active"], allTimeActive: try row["all_time_active"], startAt: try row["start_at"], endAt: try row["end_at"],
            target: try row["target"], levels: SQLArray.uuids(parsing: try row["levels"]), segments: SQLArray.uuids(parsing: try row["segments"]),
            pos: SQLArray.uuids(parsing: try row["pos"]), eventName: try row["event_name"], config: try config.decode(as: RuleConfig.self),
            limit: limitActive || period != nil ? RuleLimit(active: limitActive, period: period, limit: try row["limit_limit"]) : nil,
            lastExecutedRule: try row["last_executed_rule"], hasPhoto: try row["has_photo"], updatedAt: try row["updated_at"]
        )
    }


    static func find(on db: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> EarningRule? {
        try await db.query("SELECT \(unsafeRaw: columns) FROM ledger.earning_rules WHERE store_id = \(storeID) AND id = \(id)")
            .firstRow.map(rule)
    }

    /// Active rules of these types (transactional rules for a transaction, events for an event), from the
    /// request's rule cache when it has one.
    static func active(on db: some PostgresQueryable, storeID: UUID, types: [RuleType], useCache: Bool = true) async throws -> [EarningRule] {
        if useCache, let cache = RuleCache.current {
            return try await cache.activeRules(storeID: storeID, loadingOn: db).filter { types.contains($0.type) }
        }
        let names = types.map(\.rawValue).joined(separator: ",")
        return try await db.query("""
            SELECT \(unsafeRaw: columns) FROM ledger.earning_rules
            WHERE store_id = \(storeID) AND active AND type = ANY(string_to_array(\(names), ','))
            """).map(rule)
    }

    static func list(
        on db: some PostgresQueryable, storeID: UUID, active: Bool?, page: Pagination
    ) async throws -> (rules: [EarningRule], total: Int) {
        let condition: SQL = active.map { "store_id = \(storeID) AND active = \($0)" } ?? "store_id = \(storeID)"
        let rows = try await db.query("""
            SELECT \(unsafeRaw: columns), count(*) OVER () AS total FROM ledger.earning_rules WHERE \(condition)
            \(page.orderAndLimit())
            """)
        let total = try rows.firstRow.map { try $0.decode(Int.self, "total") }
        let rules = try rows.map(rule)
        if let total { return (rules, total) }
        return (rules, try await db.query("SELECT count(*) FROM ledger.earning_rules WHERE \(condition)").scalar(Int.self))
    }

    struct DuplicateEventName: Error {}

    /// Inserts or replaces the rule (an update keeps the photo).
    static func save(on db: some PostgresQueryable, storeID: UUID, _ rule: EarningRule) async throws {
        let config = try JSONB(encoding: rule.config)
        do {
            try await db.execute("""
                INSERT INTO ledger.earning_rules (store_id, id, type, name, description, active, all_time_active, start_at, end_at,
                    target, levels, segments, pos, event_name, config, limit_active, limit_period, limit_limit, last_executed_rule)
                VALUES (\(storeID), \(rule.id), \(rule.type.rawValue), \(rule.name), \(rule.description), \(rule.active),
                    \(rule.allTimeActive), \(rule.startAt), \(rule.endAt), \(rule.target), \(SQLArray.uuids(rule.levels))::uuid[],
                    \(SQLArray.uuids(rule.segments))::uuid[], \(SQLArray.uuids(rule.pos))::uuid[], \(rule.eventName), \(config)::jsonb,
                    \(rule.limit?.active ?? false), \(rule.limit?.period), \(rule.limit?.limit), \(rule.lastExecutedRule))
                ON CONFLICT (store_id, id) DO UPDATE SET
                    name = excluded.name, description = excluded.description, active = excluded.active,
                    all_time_active = excluded.all_time_active, start_at = excluded.start_at, end_at = excluded.end_at,
                    target = excluded.target, levels = excluded.levels, segments = excluded.segments, pos = excluded.pos,
                    event_name = excluded.event_name, config = excluded.config, limit_active = excluded.limit_active,
                    limit_period = excluded.limit_period, limit_limit = excluded.limit_limit,
                    last_executed_rule = excluded.last_executed_rule, updated_at = clock_timestamp()
                """)
        } catch let error as PostgresError where error.isUniqueViolation {
            throw DuplicateEventName()
        }
    }

    static func setActive(on db: some PostgresQueryable, storeID: UUID, id: UUID, active: Bool) async throws -> Bool {
        try await db.query("""
            UPDATE ledger.earning_rules SET active = \(active), updated_at = clock_timestamp() WHERE store_id = \(storeID) AND id = \(id)
            RETURNING 1
            """).firstRow != nil
    }

    static func photo(on db: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> (type: String, base64: String)? {
        guard let row = try await db.query("""
            SELECT photo_type, encode(photo, 'base64') AS data FROM ledger.earning_rules
            WHERE store_id = \(storeID) AND id = \(id) AND photo IS NOT NULL
            """).firstRow else { return nil }
        return (try row["photo_type"] ?? "application/octet-stream", try row["data"])
    }

    static func setPhoto(on db: some PostgresQueryable, storeID: UUID, id: UUID, type: String?, base64: String?) async throws -> Bool {
        try await db.query("""
            UPDATE ledger.earning_rules SET photo = decode(\(base64), 'base64'), photo_type = \(type)
            WHERE store_id = \(storeID) AND id = \(id) RETURNING 1
            """).firstRow != nil
    }

    /// How often the customer used the rule in the current window of its limit period (extensions §6.5): the
    /// calendar day, week (from Monday), month, quarter, half-year or year of the store's time zone, or ever.
    static func usages(
        on db: some PostgresQueryable, storeID: UUID, ruleID: UUID, customerID: UUID, period: String, timeZone: String
    ) async throws -> Int {
        let local: SQL = "(now() AT TIME ZONE \(timeZone)::text)"
        let start: SQL
        switch period {
        case "day": start = "date_trunc('day', \(local))"
        case "week": start = "date_trunc('week', \(local))"
        case "month": start = "date_trunc('month', \(local))"
        case "3months", "3 months": start = "date_trunc('quarter', \(local))"
        case "6months", "6 months":
            start = "date_trunc('year', \(local)) + CASE WHEN extract(month FROM \(local)) > 6 THEN interval '6 months' ELSE interval '0' END"
        case "year", "1 year": start = "date_trunc('year', \(local))"
        default: start = "'-infinity'::timestamp"
        }
        return try await db.query("""
            SELECT count(*) FROM ledger.earning_rule_usages
            WHERE store_id = \(storeID) AND rule_id = \(ruleID) AND customer_id = \(customerID)
              AND used_at >= (\(start)) AT TIME ZONE \(timeZone)::text
            """).scalar(Int.self)
    }

    static func recordUsage(on db: some PostgresQueryable, storeID: UUID, ruleID: UUID, customerID: UUID) async throws {
        try await db.execute("INSERT INTO ledger.earning_rule_usages (store_id, rule_id, customer_id) VALUES (\(storeID), \(ruleID), \(customerID))")
    }
}
