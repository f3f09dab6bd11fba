import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// SQL over `customers.customers`; every method takes the store first.
struct CustomerRepository: Sendable {
    /// The columns a `CustomerRecord` is read from, with its level and POS joined.
    static let columns = """
        c.store_id, c.id, c.status, c.card_state, c.first_name, c.last_name, c.gender, c.email, c.phone, c.birth_date,
        c.birthday_month, c.birthday_day, c.address, c.company, c.loyalty_card_number, c.labels, c.agreement1, c.agreement2,
        c.agreement3, c.level_id, c.manual_level_id, c.last_level_recalculation, c.pos_id, c.seller_id, c.external_id,
        c.transactions_count, c.transactions_amount, c.transactions_amount_without_delivery, c.amount_excluded_for_level,
        c.average_transaction_amount, c.last_transaction_date, c.available_points, c.earned_points_since_recalculation,
        c.activation_token, c.sms_code, c.sms_code_expires_at, c.pending_phone, c.pending_phone_code,
        c.pending_phone_expires_at, c.pushy_tokens, c.enrolled_at, c.legal_policies_version, c.version, c.created_at,
        c.updated_at, l.name AS level_name, l.reward_percent AS level_reward_percent, l.translations AS level_translations,
        p.identifier AS pos_identifier
        """

    /// `FROM` with the joins `columns` needs.
    static let from = """
        customers.customers c
        LEFT JOIN customers.levels l ON l.store_id = c.store_id AND l.id = c.level_id
        LEFT JOIN customers.pos p ON p.store_id = c.store_id AND p.id = c.pos_id
        """

    /// A customer that is not deleted; `lock` takes a row lock for the rest of the transaction.
    func find(on database: some PostgresQueryable, storeID: UUID, id: UUID, lock: Bool = false) async throws -> CustomerRecord? {
        let rows = try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from)
            WHERE c.store_id = \(storeID) AND c.id = \(id) AND c.status <> 'deleted'
            \(unsafeRaw: lock ? "FOR UPDATE OF c" : "")
            """)
        return try rows.firstRow.map(CustomerRecord.init(row:))
    }

    /// The per-sale counters the lists sort and filter on, as `activity` (migration 0008: every customer has a row).
    static let activityJoin = "JOIN customers.customer_activity activity ON activity.store_id = c.store_id AND activity.customer_id = c.id"

    /// The customers matching `condition` (a fragment over `c`, and over `activity` when joining it), in `order`.
    func select(
        on database: some PostgresQueryable, where condition: SQL, order: SQL = "", joiningActivity: Bool = false
    ) async throws -> [CustomerRecord] {
        let join = joiningActivity ? Self.activityJoin : ""
        return try await database.query("SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) \(unsafeRaw: join) WHERE \(condition) \(order)")
            .map(CustomerRecord.init(row:))
    }

    /// The one live customer matching `condition`, nil when none.
    func first(on database: some PostgresQueryable, storeID: UUID, where condition: SQL, lock: Bool = false) async throws -> CustomerRecord? {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from)
            WHERE c.store_id = \(storeID) AND c.status <> 'deleted' AND \(condition)
            ORDER BY c.created_at LIMIT 1 \(unsafeRaw: lock ? "FOR UPDATE OF c" : "")
            """).firstRow.map(CustomerRecord.init(row:))
    }

    /// Inserts a new customer.
    func insert(on database: some PostgresQueryable, _ customer: CustomerRecord) async throws {
        try await database.execute("""
            INSERT INTO customers.customers (store_id, id, created_at, updated_at) VALUES
                (\(customer.storeID), \(customer.id), \(customer.createdAt), \(customer.updatedAt))
            """)
        try await save(on: database, customer, bumpVersion: false)
    }

    /// Writes every mutable column of the customer; `updated_at` becomes now and the version grows.
    func save(on database: some PostgresQueryable, _ c: CustomerRecord, bumpVersion: Bool = true) async throws {
        let address = try c.address.flatMap { $0.isEmpty ? nil : try JSONB(encoding: $0) }
        let company = try c.company.map { try JSONB(encoding: $0) }
        let labels = try JSONB(encoding: c.labels)
        try await database.execute("""
            UPDATE customers.customers SET
                status = \(c.status.rawValue), card_state = \(c.cardState), first_name = \(c.firstName),
                last_name = \(c.lastName), gender = \(c.gender), email = \(c.email), phone = \(c.phone),
                birth_date = \(c.birthDate), birthday_month = \(c.birthdayMonth), birthday_day = \(c.birthdayDay),
                address = \(address)::jsonb, company = \(company)::jsonb, loyalty_card_number = \(c.loyaltyCardNumber),
                labels = \(labels)::jsonb, agreement1 = \(c.agreement1), agreement2 = \(c.agreement2),
                agreement3 = \(c.agreement3), level_id = \(c.levelID), manual_level_id = \(c.manualLevelID),
                last_level_recalculation = \(c.lastLevelRecalculation), pos_id = \(c.posID), seller_id = \(c.sellerID),
                external_id = \(c.externalID), activation_token = \(c.activationToken), sms_code = \(c.smsCode),
                sms_code_expires_at = \(c.smsCodeExpiresAt), pending_phone = \(c.pendingPhone),
                pending_phone_code = \(c.pendingPhoneCode), pending_phone_expires_at = \(c.pendingPhoneExpiresAt),
                pushy_tokens = \(c.pushyTokens), enrolled_at = \(c.enrolledAt),
                legal_policies_version = \(c.legalPoliciesVersion), created_at = \(c.createdAt),
                version = version + \(bumpVersion ? 1 : 0), updated_at = CASE WHEN \(bumpVersion) THEN now() ELSE updated_at END
            WHERE store_id = \(c.storeID) AND id = \(c.id)
            """)
    }

    /// Marks the customer deleted (a tombstone: the id stays for the ledger's history).
    func markDeleted(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws {
        try await database.execute("""
            UPDATE customers.customers SET status = 'deleted', deleted_at = now(), updated_at = now(), version = version + 1,
                activation_token = NULL, sms_code = NULL, pending_phone = NULL, pending_phone_code = NULL, external_id = NULL
            WHERE store_id = \(storeID) AND id = \(id)
            """)
    }

    /// Whether a live customer with this id exists in the store.
    func exists(on database: some PostgresQueryable, storeID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            SELECT EXISTS (SELECT 1 FROM customers.customers WHERE store_id = \(storeID) AND id = \(id) AND status <> 'deleted') AS found
            """).scalar(Bool.self)
    }
}

extension CustomerRecord {
    init(row: PostgresRow) throws {
        self.init(storeID: try row.decode(UUID.self, "store_id"), id: try row.decode(UUID.self, "id"), createdAt: try row.decode(Date.self, "created_at"))
        status = CustomerStatus(rawValue: try row.decode(String.self, "status")) ?? .new
        cardState = try row.decode(String.self, "card_state")
        firstName = try row.decode(String?.self, "first_name")
        lastName = try row.decode(String?.self, "last_name")
        gender = try row.decode(String?.self, "gender")
        email = try row.decode(String?.self, "email")
        phone = try row.decode(String?.self, "phone")
        birthDate = try row.decode(LocalDate?.self, "birth_date")
        birthdayMonth = try row.decode(Int?.self, "birthday_month")
        birthdayDay = try row.decode(Int?.self, "birthday_day")
        address = try row.decode(JSONB?.self, "address").map { try $0.decode(as: Address.self) }
        company = try row.decode(JSONB?.self, "company").map { try $0.decode(as: Company.self) }
        loyaltyCardNumber = try row.decode(String?.self, "loyalty_card_number")
        labels = try Label.list(try row.decode(JSONB.self, "labels"))
        agreement1 = try row.decode(Bool.self, "agreement1")
        agreement2 = try row.decode(Bool.self, "agreement2")
        agreement3 = try row.decode(Bool.self, "agreement3")
        levelID = try row.decode(UUID?.self, "level_id")
        manualLevelID = try row.decode(UUID?.self, "manual_level_id")
        lastLevelRecalculation = try row.decode(Date?.self, "last_level_recalculation")
        posID = try row.decode(UUID?.self, "pos_id")
        sellerID = try row.decode(UUID?.self, "seller_id")
        externalID = try row.decode(String?.self, "external_id")
        transactionsCount = try row.decode(Int.self, "transactions_count")
        transactionsAmount = try row.decode(Amount.self, "transactions_amount")
        transactionsAmountWithoutDeliveryCosts = try row.decode(Amount.self, "transactions_amount_without_delivery")
        amountExcludedForLevel = try row.decode(Amount.self, "amount_excluded_for_level")
        averageTransactionAmount = try row.decode(Amount.self, "average_transaction_amount")
        lastTransactionDate = try row.decode(Date?.self, "last_transaction_date")
        availablePoints = try row.decode(Amount.self, "available_points")
        earnedPointsSinceRecalculation = try row.decode(Amount.self, "earned_points_since_recalculation")
        activationToken = try row.decode(String?.self, "activation_token")
        smsCode = try row.decode(String?.self, "sms_code")
        smsCodeExpiresAt = try row.decode(Date?.self, "sms_code_expires_at")
        pendingPhone = try row.decode(String?.self, "pending_phone")
        pendingPhoneCode = try row.decode(String?.self, "pending_phone_code")
        pendingPhoneExpiresAt = try row.decode(Date?.self, "pending_phone_expires_at")
        pushyTokens = try row.decode([String].self, "pushy_tokens")
        enrolledAt = try row.decode(Date?.self, "enrolled_at")
        legalPoliciesVersion = try row.decode(String?.self, "legal_policies_version")
        version = try row.decode(Int.self, "version")
        updatedAt = try row.decode(Date.self, "updated_at")
        posIdentifier = try row.decode(String?.self, "pos_identifier")
        if let levelID, let name = try row.decode(String?.self, "level_name") {
            let translations = try row.decode(JSONB?.self, "level_translations")
                .map { try $0.decode(as: [String: LevelTranslation].self) } ?? [:]
            level = LevelSummary(
                id: levelID, name: name, rewardPercent: try row.decode(Amount.self, "level_reward_percent"), translations: translations
            )
        }
    }
}
