import Foundation
import Postgres
import ServiceKit

/// The `new_level` e-mail (extensions §1.5 "side effects", §5.5): a customer moved to a level automatically —
/// by the ledger's points or transactions, the periodic recalculation, or the removal of a manual level — is told
/// by mail. Manual moves (C19, a form's `levelId`, the Okendo minimum tier) and the start level given at
/// registration send nothing (decision customers §1.5 new_level).
///
/// It reads the committed `CustomerWasMovedToLevel` events through the `customers.segments` consumer (which
/// already follows them; one consumer keeps a replica's database connections low), so a rolled-back move sends
/// nothing; delivery is at least once (a crash between the outbox write and the acknowledgement repeats the mail).
struct NewLevelMail: Sendable {
    let runtime: ServiceRuntime
    let customers = CustomerRepository()
    let levels = LevelRepository()
    let settings = SettingsRepository()

    /// Queues the mail when `event` is an automatic move that deserves one.
    func handle(_ event: StoredEvent, on tx: some PostgresQueryable) async throws {
        guard event.type == CustomerEvent.movedToLevel, let message = try await message(for: event, on: tx) else { return }
        try runtime.outbox.send(message)
    }

    /// The payload of `CustomerWasMovedToLevel` as this consumer reads it.
    private struct Move: Decodable {
        let customerId: UUID
        let levelId: UUID?
        let oldLevelId: UUID?
        let manually: Bool
    }

    /// The mail for an automatic move to a level of a live customer with an e-mail; nil otherwise.
    func message(for event: StoredEvent, on tx: some PostgresQueryable) async throws -> OutboxMessage? {
        guard let storeID = event.storeID, let store = try await runtime.stores.activeStore(id: storeID) else { return nil }
        let move = try event.payload.decode(as: Move.self)
        guard !move.manually, move.oldLevelId != nil, let levelID = move.levelId else { return nil }
        guard let customer = try await customers.find(on: tx, storeID: storeID, id: move.customerId),
              customer.status != .deleted, let email = customer.email,
              let level = try await levels.find(on: tx, storeID: storeID, id: levelID)
        else { return nil }
        let program = try await settings.load(on: tx, storeID: storeID, currency: store.currency)
        let data = [
            "program_name": program.programName,
            "level_name": level.name,
            "level_discount": level.reward.percent.twoDecimals + "%",
            "ecommerce_address": program.text("programUrl") ?? "",
        ]
        let fallbackBody = "Congratulations! You are now at level \(level.name) of \(program.programName), with a \(data["level_discount"]!) discount."
        return try await StoreMail.compose(
            "new_level", to: email, data: data, fallback: ("\(program.programName) - new level", fallbackBody), storeID: storeID, on: tx
        )
    }
}
