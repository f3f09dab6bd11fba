import Customers
import Foundation
import Postgres
import ServiceKit

/// Why an event earned nothing (extensions §6.4).
enum AwardRefusal: Error {
    case limitExceeded
    case noRule
    case valueRequired

    var apiError: APIError {
        switch self {
        case .limitExceeded: APIError.domain("limit exceeded")
        case .noRule: APIError.domain("event does not exist")
        case .valueRequired: APIError.domain("value is required for a points per value rule")
        }
    }
}

/// Points for things customers do rather than buy: system events (sign-up, …), custom events, QR codes
/// and geolocation check-ins (extensions §6.3, §6.4), with per-period usage limits (§6.5).
enum EventAwards {
    static let firstPurchaseEvent = "oloy.transaction.customer_first_transaction"

    /// Referral rules (extensions §6.4) for an invited customer: for each side (`referred`, `referrer`) the
    /// matching rule with the most points pays — the invited customer with comment `"<referrerId> customer
    /// referral"`, the inviter with `"Referring customer <recipientId>"` — both transfers carrying the
    /// invitation id. No status gate. Nothing happens for a customer nobody invited.
    static func referral(on tx: PostgresSession, store: Store, recipient: LedgerCustomer, trigger: String, actor: Actor?) async throws {
        guard let invitation = try await LedgerFacing.invitation(on: tx, storeID: store.id, recipientID: recipient.id) else { return }
        let rules = try await EarningRuleRepository.active(on: tx, storeID: store.id, types: [.referral])
            .filter { $0.eventName == trigger && $0.isActive(at: Date()) }
        let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
        for side in ["referred", "referrer"] {
            let best = rules.filter { $0.config.rewardType == side || $0.config.rewardType == "both" }
                .max { ($0.config.pointsAmount ?? .zero) < ($1.config.pointsAmount ?? .zero) }
            guard let best, let points = best.config.pointsAmount, points.isPositive else { continue }
            let referred = side == "referred"
            try await PointsLedger.credit(
                on: tx, storeID: store.id, customerID: referred ? recipient.id : invitation.referrerID, points: points,
                origin: CreditOrigin(
                    issuer: "system",
                    comment: referred ? "\(invitation.referrerID.text) customer referral" : "Referring customer \(recipient.id.text)",
                    earningRuleID: best.id, invitationID: invitation.id
                ),
                policy: settings, actor: actor
            )
        }
    }

    /// A system event (`oloy.account.created`, …): the matching `event` rule with the most points wins.
    /// Sign-up skips the customer-status gate.
    static func systemEvent(
        on tx: PostgresSession, store: Store, customer: LedgerCustomer, eventName: String, actor: Actor?
    ) async throws -> Amount {
        let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
        if eventName != "oloy.account.created", !settings.earningStatuses.contains(customer.status) { return .zero }
        let profile = try await CustomerDirectory.profile(on: tx, storeID: store.id, customer: customer)
        let winner = try await EarningRuleRepository.active(on: tx, storeID: store.id, types: [.event])
            .filter { $0.eventName == eventName && $0.isActive(at: Date()) && $0.targets(profile) && $0.applies(toPOS: customer.posID) }
            .max { ($0.config.pointsAmount ?? .zero) < ($1.config.pointsAmount ?? .zero) }
        guard let winner, let points = winner.config.pointsAmount, points.isPositive else { return .zero }
        // A rule's own usage limit holds for system events too (a log-in rule of 5 per month pays 5 log-ins a month).
        guard try await withinLimit(on: tx, storeID: store.id, rule: winner, customerID: customer.id, timeZone: settings.timeZone) else { return .zero }
        return try await pay(on: tx, store: store, rule: winner, customer: customer, settings: settings, points: points, actor: actor)
    }

    /// A custom event reported for a customer (C39): the matching rule with the most points, within its limit.
    static func customEvent(
        on tx: PostgresSession, store: Store, customer: LedgerCustomer, eventName: String, value: Amount? = nil, actor: Actor?
    ) async throws -> Amount {
        let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
        guard settings.earningStatuses.contains(customer.status) else { throw AwardRefusal.noRule }
        let profile = try await CustomerDirectory.profile(on: tx, storeID: store.id, customer: customer)
        let winner = try await EarningRuleRepository.active(on: tx, storeID: store.id, types: [.customEvent])
            .filter { $0.eventName == eventName && $0.isActive(at: Date()) && $0.targets(profile) && $0.applies(toPOS: customer.posID) }
            .max { points($0, value: value) < points($1, value: value) }
        guard let winner else { throw AwardRefusal.noRule }
        if winner.config.pointValue != nil, value == nil { throw AwardRefusal.valueRequired }
        guard try await withinLimit(on: tx, storeID: store.id, rule: winner, customerID: customer.id, timeZone: settings.timeZone) else { throw AwardRefusal.limitExceeded }
        return try await pay(on: tx, store: store, rule: winner, customer: customer, settings: settings, points: points(winner, value: value), actor: actor)
    }

    /// A scanned QR code (L-12): every matching rule with that code (or just `ruleID`) within its limit.
    static func qrcode(
        on tx: PostgresSession, store: Store, customer: LedgerCustomer, code: String, ruleID: UUID?, actor: Actor?
    ) async throws -> Amount {
        try await each(on: tx, store: store, customer: customer, type: .qrcode, ruleID: ruleID, statusGate: false, actor: actor) { rule in
            rule.config.code == code
        }
    }

    /// A position (L-13): every geolocation rule whose centre lies within its radius (kilometres).
    static func geolocation(
        on tx: PostgresSession, store: Store, customer: LedgerCustomer, latitude: Double, longitude: Double, ruleID: UUID?, actor: Actor?
    ) async throws -> Amount {
        try await each(on: tx, store: store, customer: customer, type: .geolocation, ruleID: ruleID, statusGate: true, actor: actor) { rule in
            guard let lat = rule.config.latitude.flatMap(Double.init), let lon = rule.config.longitude.flatMap(Double.init),
                  let radius = rule.config.radius.flatMap(Double.init) else { return false }
            return distanceKilometres(lat, lon, latitude, longitude) <= radius
        }
    }

    /// Great-circle distance (spherical law of cosines), kilometres.
    static func distanceKilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let cosine = sin(lat1 * radians) * sin(lat2 * radians) + cos(lat1 * radians) * cos(lat2 * radians) * cos((lon1 - lon2) * radians)
        return acos(min(1, max(-1, cosine))) * 6371.0
    }

    private static func each(
        on tx: PostgresSession, store: Store, customer: LedgerCustomer, type: RuleType, ruleID: UUID?, statusGate: Bool, actor: Actor?,
        matches: (EarningRule) -> Bool
    ) async throws -> Amount {
        let settings = try await LedgerFacing.settings(on: tx, storeID: store.id, currency: store.currency)
        if statusGate, !settings.earningStatuses.contains(customer.status) { throw AwardRefusal.noRule }
        let profile = try await CustomerDirectory.profile(on: tx, storeID: store.id, customer: customer)
        let rules = try await EarningRuleRepository.active(on: tx, storeID: store.id, types: [type])
            .filter { (ruleID == nil || $0.id == ruleID) && $0.isActive(at: Date()) && $0.targets(profile) && $0.applies(toPOS: customer.posID) && matches($0) }
            .sorted { $0.id.uuidString < $1.id.uuidString }
        guard !rules.isEmpty else { throw AwardRefusal.noRule }
        var total = Amount.zero
        var paid = false
        for rule in rules where try await withinLimit(on: tx, storeID: store.id, rule: rule, customerID: customer.id, timeZone: settings.timeZone) {
            total += try await pay(on: tx, store: store, rule: rule, customer: customer, settings: settings, actor: actor)
            paid = true
        }
        guard paid else { throw AwardRefusal.limitExceeded }
        return total
    }

    /// Whether the customer may still use the rule in this period. Serialized per rule and customer by an
    /// advisory lock held to the end of the transaction, so concurrent calls cannot both pass the limit.
    private static func withinLimit(
        on tx: PostgresSession, storeID: UUID, rule: EarningRule, customerID: UUID, timeZone: String
    ) async throws -> Bool {
        guard let limit = rule.limit, limit.active, let count = limit.limit else { return true }
        _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended(\(rule.id.text + customerID.text), 0))")
        let used = try await EarningRuleRepository.usages(
            on: tx, storeID: storeID, ruleID: rule.id, customerID: customerID, period: limit.period ?? "forever", timeZone: timeZone
        )
        return used < count
    }

    /// A custom rule's points: its fixed amount, or `value × pointValue` for a points-per-value rule.
    static func points(_ rule: EarningRule, value: Amount?) -> Amount {
        if let pointValue = rule.config.pointValue { return (value ?? .zero).multiplied(by: pointValue) }
        return rule.config.pointsAmount ?? .zero
    }

    private static func pay(
        on tx: PostgresSession, store: Store, rule: EarningRule, customer: LedgerCustomer, settings: LedgerSettings,
        points fixed: Amount? = nil, actor: Actor?
    ) async throws -> Amount {
        let points = fixed ?? rule.config.pointsAmount ?? .zero
        try await EarningRuleRepository.recordUsage(on: tx, storeID: store.id, ruleID: rule.id, customerID: customer.id)
        guard points.isPositive else { return .zero }
        try await PointsLedger.credit(
            on: tx, storeID: store.id, customerID: customer.id, points: points,
            origin: CreditOrigin(issuer: "system", comment: rule.name, earningRuleID: rule.id), policy: settings, actor: actor
        )
        return points
    }
}
