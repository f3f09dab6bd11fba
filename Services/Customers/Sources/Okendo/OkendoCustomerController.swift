import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// The Okendo-style Merchant API of customers (M9–M13), the storefront program texts (S4, S5) and the
/// storefront birthday (S11). A loyalty customer and a CRM customer are both the suite's customer:
/// `loyaltyCustomerId` and `customerId` are the customer id (decision okendo A15); VIP tiers are levels.
struct OkendoCustomerController {
    let customers = CustomerRepository()
    let levels = LevelRepository()
    let settings = SettingsRepository()
    let mover = LevelMover()

    var merchantRoutes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("loyalty/customer_minimum_vip_tiers", use: setMinimumTier)
        routes.post("customer_lookup", use: lookup)
        routes.get("customers/{customerId}", use: details)
        routes.get("customers/{customerId}/profiles", use: profiles)
        routes.get("customers/{customerId}/activities", use: activities)
        return routes
    }

    var storefrontRoutes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("loyalty/faq", use: faq)
        routes.get("loyalty/legal_policies", use: legalPolicies)
        return routes
    }

    var sessionRoutes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.put("customer_birthday", use: birthday)
        return routes
    }

    // MARK: M9

    struct MinimumTier: Encodable {
        let minimumVipTierName: String?
        let vipTierName: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(minimumVipTierName, forKey: .minimumVipTierName)
            try container.encode(vipTierName, forKey: .vipTierName)
        }

        enum CodingKeys: String, CodingKey { case minimumVipTierName, vipTierName }
    }

    /// M9: the minimum tier is a floor (decision extensions X-10): the customer moves up to it at once when below,
    /// keeps a better level otherwise; `null` removes it and recalculates. `{"minimumVipTierName","vipTierName"}`.
    @Sendable func setMinimumTier(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        guard let tier = input["minimumVipTierName"] else { throw APIError.badRequest("minimumVipTierName is required") }
        let name = tier.isNull ? nil : tier.trimmedText
        if !tier.isNull, name == nil { throw APIError.badRequest("minimumVipTierName must be a tier name or null") }
        let identifier = try Self.customerIdentifier(input)
        let store = context.store, change = context.change
        let result = try await context.runtime.pool.transaction { tx -> MinimumTier in
            var customer = try await find(identifier, storeID: store.id, on: tx, lock: true)
            let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
            let thresholds = try await levels.thresholds(on: tx, storeID: store.id)
            if let name {
                let level = try await levelNamed(name, storeID: store.id, on: tx)
                    .orThrow(APIError.http(.unprocessableContent, "Unknown VIP tier \"\(name)\""))
                let reward = { (id: UUID?) in thresholds.first { $0.id == id }?.rewardPercent }
                if customer.levelID == nil || (reward(customer.levelID) ?? .zero) < (reward(level) ?? .zero) {
                    try await mover.apply(.init(level: level, keepsManualFlag: true), to: &customer, manually: true, settings: program, change: change, on: tx)
                } else {
                    try await tx.execute("UPDATE customers.customers SET manual_level_id = \(level) WHERE store_id = \(store.id) AND id = \(customer.id)")
                    customer.manualLevelID = level
                }
            } else if customer.manualLevelID != nil {
                customer.manualLevelID = nil
                try await tx.execute("UPDATE customers.customers SET manual_level_id = NULL WHERE store_id = \(store.id) AND id = \(customer.id)")
                let moved = try await mover.recalculate(&customer, trigger: .manualLevelRemoved, settings: program, change: change, on: tx)
                if !moved { try await mover.record(customer, from: customer.levelID, manually: false, removeManually: true, change: change, on: tx) }
            }
            let current = try await customer.levelID.asyncMap { try await levels.find(on: tx, storeID: store.id, id: $0)?.name } ?? nil
            return MinimumTier(minimumVipTierName: name, vipTierName: current)
        }
        return try Response.json(result)
    }

    // MARK: M10, M11

    /// M10: `{"customerId"}` of the customer with this e-mail; 404 when none.
    @Sendable func lookup(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        guard let email = input["email"]?.trimmedText, FormCheck.isEmail(email) else { throw APIError.badRequest("email must be an e-mail address") }
        let customer = try await CustomersLibrary.customer(on: context.runtime.pool, storeID: context.store.id, email: email).orThrow(APIError.notFound)
        return try Response.json(["customerId": customer.id.text])
    }

    struct Details: Encodable {
        struct Location: Encodable {
            let country: String?
            let zoneCode: String?
        }

        let dateFirstActive: String
        let dateLastActive: String
        let email: String?
        let givenName: String?
        let familyName: String?
        let avatarUrl: String?
        let location: Location?
    }

    /// M11: the customer's basic details; `avatarUrl` is the avatar's path when there is one; `location.country`
    /// is the country name (from a code when the address holds one), `zoneCode` the province.
    @Sendable func details(_ request: Request, context: StoreContext) async throws -> Response {
        let pool = context.runtime.pool
        let customer = try await customers.find(on: pool, storeID: context.store.id, id: try context.uuidParameter("customerId")).orThrow(APIError.notFound)
        let hasAvatar = try await FileStore().find(on: pool, storeID: context.store.id, kind: .avatar, owner: customer.id.text) != nil
        let location = customer.address.map { Details.Location(country: Self.countryName($0.country), zoneCode: $0.province) }
        let lastActive = max(customer.updatedAt, customer.lastTransactionDate ?? customer.updatedAt)
        return try Response.json(Details(
            dateFirstActive: Timestamps.okendo(customer.createdAt), dateLastActive: Timestamps.okendo(lastActive), email: customer.email,
            givenName: customer.firstName, familyName: customer.lastName,
            avatarUrl: hasAvatar ? "/api/\(context.store.code)/customer/\(customer.id.text)/avatar" : nil, location: location
        ))
    }

    /// A country as its English name (M11 `location.country`, M12 `Country`): an ISO alpha-2 code is translated,
    /// a name is kept.
    static func countryName(_ country: String?) -> String? {
        country.map { code in
            code.count == 2 ? (Locale(identifier: "en").localizedString(forRegionCode: code.uppercased()) ?? code) : code
        }
    }

    // MARK: M12, M13

    static let namespace = "okendo-general"

    struct Property: Encodable {
        let name: String
        let value: String
        let valueType = "string"
        let date: String
    }

    struct Profile: Encodable {
        let namespace: String
        let properties: [Property]
    }

    struct Profiles: Encodable {
        let profiles: [Profile]
        let nextUrl: String?
    }

    /// M12: one profile, namespace `okendo-general`, with the customer's data points.
    @Sendable func profiles(_ request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        _ = try Self.limit(query)
        let customer = try await customers.find(on: context.runtime.pool, storeID: context.store.id, id: try context.uuidParameter("customerId"))
            .orThrow(APIError.notFound)
        guard query["namespace"]?.trimmedText.map({ $0 == Self.namespace }) ?? true else {
            return try Response.json(Profiles(profiles: [], nextUrl: nil))
        }
        let date = Timestamps.okendo(customer.updatedAt)
        let values: [(String, String?)] = [
            ("Given Name", customer.firstName), ("Family Name", customer.lastName), ("Email", customer.email), ("Phone", customer.phone),
            ("Gender", customer.gender), ("Birth Date", customer.birthDate?.description), ("Loyalty Card Number", customer.loyaltyCardNumber),
            ("City", customer.address?.city), ("Province", customer.address?.province), ("Country", Self.countryName(customer.address?.country)),
        ]
        let properties = values.compactMap { name, value in value.map { Property(name: name, value: $0, date: date) } }
        return try Response.json(Profiles(profiles: [Profile(namespace: Self.namespace, properties: properties)], nextUrl: nil))
    }

    struct Activity: Encodable {
        let activityId: String
        let namespace: String
        let date: String
        let title: String
    }

    struct Activities: Encodable {
        let activities: [Activity]
        let nextUrl: String?
    }

    /// M13: the customer's events as activities, newest first, `limit` (1–100, 25) per page; `lastEvaluated` is
    /// the URL-encoded JSON `{"eventId":N}` that `nextUrl` carries.
    @Sendable func activities(_ request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let limit = try Self.limit(query)
        let id = try context.uuidParameter("customerId")
        let pool = context.runtime.pool
        guard try await customers.exists(on: pool, storeID: context.store.id, id: id) else { throw APIError.notFound }
        guard query["namespace"]?.trimmedText.map({ $0 == Self.namespace }) ?? true else {
            return try Response.json(Activities(activities: [], nextUrl: nil))
        }
        var before = Int64.max
        if let cursor = query["lastEvaluated"]?.trimmedText {
            guard let data = cursor.data(using: .utf8), let object = try? JSONDecoder().decode([String: Int64].self, from: data),
                  let eventID = object["eventId"]
            else { throw APIError.badRequest("lastEvaluated is not a cursor of this list") }
            before = eventID
        }
        let rows = try await pool.query("""
            SELECT id, type, recorded_at FROM suite.events
            WHERE store_id = \(context.store.id) AND aggregate_id = \(id.text) AND id < \(before)
            ORDER BY id DESC LIMIT \(limit + 1)
            """)
        var items = try rows.map { row in
            (id: try row.decode(Int64.self, "id"), type: try row.decode(String.self, "type"), date: try row.decode(Date.self, "recorded_at"))
        }
        var next: String?
        if items.count > limit {
            items.removeLast()
            let cursor = "{\"eventId\":\(items.last?.id ?? 0)}"
            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
            next = "/enterprise/customers/\(id.text)/activities?limit=\(limit)&lastEvaluated=\(encoded)"
        }
        let activities = items.map { item in
            Activity(activityId: Self.uuid(of: item.id), namespace: Self.namespace, date: Timestamps.okendo(item.date), title: Self.title(item.type))
        }
        return try Response.json(Activities(activities: activities, nextUrl: next))
    }

    // MARK: S4, S5, S11

    /// S4: `{"faqItems":[{question, answer}]}` from the program settings.
    @Sendable func faq(_ request: Request, context: StoreContext) async throws -> Response {
        let program = try await settings.load(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency)
        return try Response.json(["faqItems": program.values["faqItems"] ?? .array([])])
    }

    struct LegalPolicies: Encodable {
        struct Sentence: Encodable {
            let template: String
            let html: String
        }

        let acceptTermsAndJoinProgramButtonText: String
        let policySentence: Sentence
        let privacyPolicyUrl: String?
        let termsAndConditionsUrl: String?
        let version: String
    }

    /// S5: the texts and links of the program settings, with the documented sentence.
    @Sendable func legalPolicies(_ request: Request, context: StoreContext) async throws -> Response {
        let program = try await settings.load(on: context.runtime.pool, storeID: context.store.id, currency: context.store.currency)
        let terms = program.text("termsAndConditionsUrl"), privacy = program.text("privacyPolicyUrl")
        let template = "By joining you agree to our {{ termsAndConditions }} and {{ privacyPolicy }}."
        func link(_ url: String?, _ title: String) -> String {
            guard let url else { return title }
            return "<a href=\"\(Self.escaped(url))\" target=\"_blank\">\(title)</a>"
        }
        let html = template.replacingOccurrences(of: "{{ termsAndConditions }}", with: link(terms, "Terms and Conditions"))
            .replacingOccurrences(of: "{{ privacyPolicy }}", with: link(privacy, "Privacy Policy"))
        return try Response.json(LegalPolicies(
            acceptTermsAndJoinProgramButtonText: program.text("acceptTermsAndJoinProgramButtonText") ?? "Join & Agree",
            policySentence: .init(template: template, html: html), privacyPolicyUrl: privacy, termsAndConditionsUrl: terms,
            version: program.text("legalPoliciesVersion") ?? "1.0.0"
        ))
    }

    /// S11: `{day, month}` → `204`; an impossible date is `400`. A known birth year is kept when the date exists in it.
    @Sendable func birthday(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.storefront)
        let id = try identity.userID.orThrow(APIError.forbidden())
        let input = try await context.input(from: request)
        guard let day = input["day"]?.int, let month = input["month"]?.int, LocalDate(year: 2000, month: month, day: day) != nil else {
            throw APIError.badRequest("Invalid birthday provided")
        }
        let store = context.store, change = context.change
        try await context.runtime.pool.transaction { tx in
            var customer = try await customers.find(on: tx, storeID: store.id, id: id, lock: true).orThrow(APIError.notFound)
            customer.birthdayDay = day
            customer.birthdayMonth = month
            customer.birthDate = customer.birthDate.flatMap { LocalDate(year: $0.year, month: month, day: day) }
            try await customers.save(on: tx, customer)
            try await change.record(
                on: tx, store: store.id, event: CustomerEvent.detailsUpdated, audit: "UpdateCustomer", entity: "customer", id: id,
                payload: CustomerSnapshot(customer)
            )
        }
        return .noContent
    }

    // MARK: Helpers

    enum Identifier {
        case id(UUID)
        case email(String)
    }

    /// `customerIdentifier`: `{"loyaltyCustomerId":…}` or `{"email":…}`, exactly one.
    static func customerIdentifier(_ input: FormValue) throws -> Identifier {
        let object = input["customerIdentifier"]
        let id = object?["loyaltyCustomerId"]?.trimmedText, email = object?["email"]?.trimmedText
        switch (id, email) {
        case (let id?, nil):
            guard let uuid = UUID(uuidString: id) else { throw APIError.badRequest("loyaltyCustomerId must be a UUID") }
            return .id(uuid)
        case (nil, let email?): return .email(email)
        case (nil, nil): throw APIError.badRequest("customerIdentifier needs loyaltyCustomerId or email")
        default: throw APIError.badRequest("loyaltyCustomerId may not be used in combination with email")
        }
    }

    private func find(_ identifier: Identifier, storeID: UUID, on tx: some PostgresQueryable, lock: Bool) async throws -> CustomerRecord {
        let id: UUID? = switch identifier {
        case .id(let id): id
        case .email(let email): try await CustomersLibrary.customer(on: tx, storeID: storeID, email: email)?.id
        }
        guard let id else { throw APIError.notFound }
        return try await customers.find(on: tx, storeID: storeID, id: id, lock: lock).orThrow(APIError.notFound)
    }

    private func levelNamed(_ name: String, storeID: UUID, on tx: some PostgresQueryable) async throws -> UUID? {
        try await tx.query("""
            SELECT id FROM customers.levels WHERE store_id = \(storeID) AND lower(name) = lower(\(name)) ORDER BY active DESC, condition_value LIMIT 1
            """).firstRow?.decode(UUID.self, "id")
    }

    static func limit(_ query: FormValue) throws -> Int {
        guard let value = query["limit"], !value.isBlank else { return 25 }
        guard let limit = value.int, (1...100).contains(limit) else { throw APIError.badRequest("limit must be between 1 and 100") }
        return limit
    }

    /// `CustomerWasRegistered` → `Customer Was Registered`.
    static func title(_ type: String) -> String {
        var words: [String] = []
        var current = ""
        for character in type {
            if character.isUppercase, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ")
    }

    /// A stable UUID for an event id.
    static func uuid(of eventID: Int64) -> String {
        let hex = String(UInt64(bitPattern: eventID), radix: 16)
        let padded = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return "00000000-0000-4000-8000-\(padded.suffix(12))"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
