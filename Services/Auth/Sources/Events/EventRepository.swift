import Foundation
import Postgres
import ServiceKit

/// An event of the suite's log as the event API shows it (EP-36/37): `uuid` is the aggregate id.
struct EventView: Sendable, Encodable {
    let id: Int64
    let uuid: String
    let payload: JSONValue
    let type: String
    let recorderOn: String

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        uuid = try row.decode(String.self, "aggregate_id")
        payload = JSONValue(try row.decode(JSONB.self, "payload"))
        type = try row.decode(String.self, "type")
        recorderOn = Timestamp.rfc3339(try row.decode(Date.self, "recorded_at"))
    }
}

/// Reads the suite's event log (`suite.events`, written by every service through `EventLog.append`).
struct EventRepository: Sendable {
    static let columns = "id, aggregate_id, payload, type, recorded_at"
    /// `name`, the documented default, is no field of an event: it means `id` (platform §5.18).
    static let sortable = ["id": "id", "name": "id", "type": "type", "recorderOn": "recorded_at"]

    /// The events from `fromId` on (inclusive; downwards for `DESC`), and how many there are.
    func list(on database: some PostgresQueryable, fromID: Int64?, page: Pagination) async throws -> (events: [EventView], total: Int) {
        let condition: SQL = switch (fromID, page.direction) {
        case (nil, _): "true"
        case (let id?, .ascending): "id >= \(id)"
        case (let id?, .descending): "id <= \(id)"
        }
        let events = try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM suite.events WHERE \(condition)
            ORDER BY \(unsafeRaw: page.sortColumn) \(unsafeRaw: page.direction.rawValue), id \(unsafeRaw: page.direction.rawValue)
            LIMIT \(page.perPage)
            """).map(EventView.init(row:))
        let total = try await database.query("SELECT count(*) FROM suite.events WHERE \(condition)").scalar(Int.self)
        return (events, total)
    }

    func find(on database: some PostgresQueryable, id: Int64) async throws -> EventView? {
        try await database.query("SELECT \(unsafeRaw: Self.columns) FROM suite.events WHERE id = \(id)").firstRow.map(EventView.init(row:))
    }
}
