import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The level assignment algorithm of extensions §1.5, as a pure function of the store's levels, its
/// settings and one customer's numbers. The manual level is a floor (decision extensions X-10).
struct LevelAssignment: Sendable {
    /// What made the level be recalculated.
    enum Trigger: Sendable {
        /// The customer's transactions changed (transactions mode).
        case transactions
        /// The customer's available points changed (points mode).
        case points
        /// The periodic recalculation of `after_x_days`: demotion allowed.
        case periodic
        /// The manual level was removed (C24): the level is recomputed from scratch.
        case manualLevelRemoved
    }

    /// Where the customer should be: `level` nil means no level; `manual` whether the manual flag stays.
    struct Move: Sendable, Equatable {
        let level: UUID?
        let keepsManualFlag: Bool
    }

    let levels: [LevelThreshold]
    let settings: ProgramSettings

    /// `L(x)`: among active levels with a threshold ≤ x, the highest threshold; ties go to the bigger reward.
    func level(for amount: Amount) -> LevelThreshold? {
        levels.filter { $0.active && $0.conditionValue <= amount }
            .max { ($0.conditionValue, $0.rewardPercent) < ($1.conditionValue, $1.rewardPercent) }
    }

    /// The next level for the status: the lowest active threshold above both the amount and the current
    /// level's threshold (ties: the bigger reward).
    func nextLevel(after amount: Amount, current: UUID?) -> LevelThreshold? {
        let floor = max(amount, current.flatMap(threshold)?.conditionValue ?? amount)
        return levels.filter { $0.active && $0.conditionValue > floor }
            .min { ($0.conditionValue, -$0.rewardPercent) < ($1.conditionValue, -$1.rewardPercent) }
    }

    /// The level a new customer starts on: `L(0)`, or none.
    var startLevel: LevelThreshold? { level(for: .zero) }

    /// The amount the level is computed from, by the store's tier assignment type.
    func amount(of customer: CustomerRecord) -> Amount {
        switch settings.tierAssignType {
        case .transactions:
            let base = settings.excludeDeliveryCosts ? customer.transactionsAmountWithoutDeliveryCosts : customer.transactionsAmount
            return max(.zero, base - customer.amountExcludedForLevel)
        case .points:
            switch settings.levelDowngradeBase {
            case "earned_points", "earned_points_since_last_level_change": return customer.earnedPointsSinceRecalculation
            default: return customer.availablePoints
            }
        }
    }

    /// Where the customer moves, nil when the level stays as it is.
    func move(for customer: CustomerRecord, trigger: Trigger) -> Move? {
        let target = level(for: amount(of: customer))
        let current = customer.levelID.flatMap(threshold)
        let manual = customer.manualLevelID.flatMap(threshold)
        if trigger == .manualLevelRemoved {
            return target?.id == customer.levelID ? nil : Move(level: target?.id, keepsManualFlag: false)
        }
        if let target, current == nil || target.rewardPercent > (current?.rewardPercent ?? .zero) || customer.levelID == nil {
            return target.id == customer.levelID ? nil : Move(level: target.id, keepsManualFlag: false)
        }
        guard mayDemote(trigger) else { return nil }
        if settings.tierAssignType == .points && target == nil { return nil }
        if let manual, manual.id == customer.levelID { return nil }
        let floored: LevelThreshold? = if let manual, manual.rewardPercent > (target?.rewardPercent ?? Amount(hundredths: -1)) { manual } else { target }
        guard floored?.id != customer.levelID else { return nil }
        return Move(level: floored?.id, keepsManualFlag: floored != nil && floored?.id == manual?.id)
    }

    /// Whether a same-or-worse level may replace the current one.
    private func mayDemote(_ trigger: Trigger) -> Bool {
        switch settings.tierAssignType {
        case .transactions: return true
        case .points:
            switch settings.levelDowngradeMode {
            case .none: return false
            case .automatic: return true
            case .afterXDays: return trigger == .periodic
            }
        }
    }

    private func threshold(_ id: UUID) -> LevelThreshold? {
        levels.first { $0.id == id }
    }
}
