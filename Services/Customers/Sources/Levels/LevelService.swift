import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Creating, changing and activating levels, with their events and audit entries.
struct LevelService: Sendable {
    let levels = LevelRepository()

    func create(_ form: LevelForm, store: Store, change: Change, pool: PostgresPool) async throws -> UUID {
        guard form.errors.isEmpty else { throw form.errors }
        let id = UUID()
        let level = record(form, id: id, store: store, createdAt: Date())
        try await pool.transaction { tx in
            try await levels.save(on: tx, level)
            try await change.record(on: tx, store: store.id, event: "LevelWasCreated", audit: "CreateLevel", entity: "level", id: id, payload: LevelEvent(level))
        }
        return id
    }

    /// Replaces every field of the form (extensions §1.4: special rewards by position, translations not sent removed).
    func update(_ id: UUID, input: FormValue, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            let current = try await levels.find(on: tx, storeID: store.id, id: id).orThrow(APIError.notFound)
            let form = try LevelForm(input, current: current)
            guard form.errors.isEmpty else { throw form.errors }
            let level = record(form, id: id, store: store, createdAt: current.createdAt)
            try await levels.save(on: tx, level)
            try await change.record(on: tx, store: store.id, event: "LevelWasUpdated", audit: "UpdateLevel", entity: "level", id: id, payload: LevelEvent(level))
        }
    }

    /// Activates or deactivates; customers keep the level until their next recalculation.
    func setActive(_ id: UUID, active: Bool, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            guard try await levels.exists(on: tx, storeID: store.id, id: id) else { throw APIError.notFound }
            try await levels.setActive(on: tx, storeID: store.id, id: id, active: active)
            try await change.record(
                on: tx, store: store.id, event: active ? "LevelWasActivated" : "LevelWasDeactivated", audit: active ? "ActivateLevel" : "DeactivateLevel",
                entity: "level", id: id, payload: ["levelId": id.text]
            )
        }
    }

    private func record(_ form: LevelForm, id: UUID, store: Store, createdAt: Date) -> LevelRecord {
        LevelRecord(
            storeID: store.id, id: id, name: form.name, description: form.description, translations: form.translations,
            active: form.active, conditionValue: form.conditionValue, minOrder: form.minOrder, reward: form.reward,
            specialRewards: form.specialRewards, createdAt: createdAt, updatedAt: Date(), customersCount: 0, hasPhoto: false
        )
    }
}

/// A level's data as its events carry it.
struct LevelEvent: Encodable {
    let levelId: String
    let name: String
    let active: Bool
    let conditionValue: Amount
    let rewardPercent: Amount

    init(_ level: LevelRecord) {
        levelId = level.id.text
        name = level.name
        active = level.active
        conditionValue = level.conditionValue
        rewardPercent = level.reward.percent
    }
}
