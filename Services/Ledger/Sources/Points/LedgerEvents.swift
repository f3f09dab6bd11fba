import Foundation
import Postgres
import ServiceKit
import Synchronization

/// A JSON value written without JSONEncoder (event payloads, the transactions' JSON columns): amounts stay exact numbers.
indirect enum EventValue: Encodable, Sendable {
    case string(String)
    case amount(Amount)
    case int(Int)
    case bool(Bool)
    case null
    case object([String: EventValue])
    case array([EventValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .amount(let amount): try container.encode(amount)
        case .int(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .null: try container.encodeNil()
        case .object(let object): try container.encode(object)
        case .array(let array): try container.encode(array)
        }
    }

    static func optional(_ text: String?) -> EventValue { text.map(EventValue.string) ?? .null }

    /// Writes the value as compact JSON with sorted keys (what `JSONB(encoding:)` stores, without the encoder's cost:
    /// every sale writes three payloads).
    func write(to writer: inout JSONWriter) {
        switch self {
        case .string(let text): writer.string(text)
        case .amount(let amount): writer.literal(amount.description)
        case .int(let number): writer.literal(String(number))
        case .bool(let flag): writer.literal(flag ? "true" : "false")
        case .null: writer.literal("null")
        case .object(let object):
            writer.beginObject()
            for key in object.keys.sorted() {
                writer.key(key)
                object[key]!.write(to: &writer)
            }
            writer.endObject()
        case .array(let array):
            writer.beginArray()
            for item in array { item.write(to: &writer) }
            writer.endArray()
        }
    }

    /// The value as a JSONB parameter.
    var jsonb: JSONB {
        var writer = JSONWriter()
        write(to: &writer)
        return JSONB(text: writer.text)
    }
}

/// The events the ledger appends (the contract the customers service consumes: `LedgerEvents.swift` of
/// the customers library). Every payload names the customer as `customerId`; `availableBalance` is the
/// spendable balance after the change.
enum LedgerEvents {
    /// Events collected by `batched(on:_:)` instead of being written one by one.
    @TaskLocal static var batch: EventBatch?

    static func append(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, type: String, payload: [String: EventValue], actor: Actor?,
        aggregate: String = "account", aggregateID: String? = nil
    ) async throws {
        let event = NewEvent(
            storeID: storeID, aggregateType: aggregate, aggregateID: aggregateID ?? customerID.text, type: type,
            payload: EventValue.object(payload).jsonb, actor: actor ?? .system
        )
        if let batch {
            batch.events.withLock { $0.append(event) }
        } else {
            try await EventLog.append(event, on: db)
        }
    }

    /// Runs `body` collecting the events it appends, then writes them all, in order, with one statement in
    /// the same transaction (the hot path of transaction registration: one round trip instead of three).
    static func batched<Result>(on db: some PostgresQueryable, _ body: () async throws -> Result) async throws -> Result {
        let batch = EventBatch()
        let result = try await $batch.withValue(batch) { try await body() }
        try await EventLog.append(contentsOf: batch.events.withLock { $0 }, on: db)
        return result
    }

    static func pointsAdded(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, transferID: UUID, points: Amount, balances: Balances,
        locked: Bool, p2p: Bool, actor: Actor?
    ) async throws {
        try await append(on: db, storeID: storeID, customerID: customerID, type: "PointsWereAdded", payload: [
            "customerId": .string(customerID.text), "transferId": .string(transferID.text), "points": .amount(points),
            "availableBalance": .amount(balances.available), "locked": .bool(locked), "p2p": .bool(p2p),
        ], actor: actor)
    }

    static func pointsSpent(
        on db: some PostgresQueryable, storeID: UUID, customerID: UUID, transferID: UUID, points: Amount, available: Amount,
        p2p: Bool, actor: Actor?
    ) async throws {
        try await append(on: db, storeID: storeID, customerID: customerID, type: "PointsWereSpent", payload: [
            "customerId": .string(customerID.text), "transferId": .string(transferID.text), "points": .amount(points),
            "availableBalance": .amount(available), "p2p": .bool(p2p),
        ], actor: actor)
    }

    static func transferChanged(
        on db: some PostgresQueryable, type: String, storeID: UUID, transfer: PointsLedger.LockedTransfer, available: Amount,
        points: Amount? = nil, actor: Actor?
    ) async throws {
        try await append(on: db, storeID: storeID, customerID: transfer.customerID, type: type, payload: [
            "customerId": .string(transfer.customerID.text), "transferId": .string(transfer.id.text),
            "points": .amount(points ?? transfer.value), "availableBalance": .amount(available),
        ], actor: actor)
    }
}

/// Events waiting to be written by `LedgerEvents.batched`.
final class EventBatch: Sendable {
    let events = Mutex<[NewEvent]>([])
}
