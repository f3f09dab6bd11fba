import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Moves customers between levels: the write, the manual flag and the `CustomerWasMovedToLevel` event.
struct LevelMover: Sendable {
    let levels = LevelRepository()

    /// Applies `move` to the customer (already locked by the caller) and records it.
    ///
    /// - Parameters:
    ///   - manually: an admin assigned the level (C19, `levelId` in a form, Okendo minimum tier).
    ///   - removeManually: the manual level was removed (C24).
    func apply(
        _ move: LevelAssignment.Move, to customer: inout CustomerRecord, manually: Bool = false, removeManually: Bool = false,
        settings: ProgramSettings, change: Change, on tx: some PostgresQueryable
    ) async throws {
        let old = customer.levelID
        customer.levelID = move.level
        customer.manualLevelID = manually ? move.level : (move.keepsManualFlag ? customer.manualLevelID : nil)
        let resetsEarned = settings.levelDowngradeBase == "earned_points_since_last_level_change"
        try await tx.execute("""
            UPDATE customers.customers SET level_id = \(customer.levelID), manual_level_id = \(customer.manualLevelID),
                last_level_recalculation = now(), version = version + 1, updated_at = now(),
                earned_points_since_recalculation = CASE WHEN \(resetsEarned) THEN 0 ELSE earned_points_since_recalculation END
            WHERE store_id = \(customer.storeID) AND id = \(customer.id)
            """)
        customer.lastLevelRecalculation = Date()
        try await record(customer, from: old, manually: manually, removeManually: removeManually, change: change, on: tx)
    }

    /// Appends `CustomerWasMovedToLevel` for a move already written.
    func record(
        _ customer: CustomerRecord, from old: UUID?, manually: Bool, removeManually: Bool = false, change: Change,
        on tx: some PostgresQueryable
    ) async throws {
        try await change.record(
            on: tx, store: customer.storeID, event: CustomerEvent.movedToLevel, audit: manually ? "MoveCustomerToLevel" : nil,
            entity: "customer", id: customer.id,
            payload: MovedToLevel(
                customerId: customer.id.text, levelId: customer.levelID?.text, oldLevelId: old?.text,
                updateAt: Timestamps.rfc3339(Date()), manually: manually, removeLevelManually: removeManually
            )
        )
    }

    /// Recalculates one customer's level after `trigger`; returns whether it moved.
    @discardableResult
    func recalculate(
        _ customer: inout CustomerRecord, trigger: LevelAssignment.Trigger, settings: ProgramSettings, change: Change,
        on tx: some PostgresQueryable
    ) async throws -> Bool {
        let assignment = LevelAssignment(levels: try await levels.thresholds(on: tx, storeID: customer.storeID), settings: settings)
        guard let move = assignment.move(for: customer, trigger: trigger) else { return false }
        try await apply(move, to: &customer, removeManually: trigger == .manualLevelRemoved, settings: settings, change: change, on: tx)
        return true
    }
}
