import Foundation
import Hummingbird
import ServiceKit

/// Event API (EP-36/37): a read-only view of the suite's event log, for admins with the `AUDIT` resource.
struct EventController {
    let repository: EventRepository
    /// The largest page: "the first 100 items from the given eventId" (platform §5.18).
    static let maximumPerPage = 100

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.get("api/event", use: list)
        routes.get("api/event/{eventId}", use: get)
        return routes
    }

    /// `fromId` (inclusive cursor), `perPage` (10, at most 100), `sort`, `direction`; no `page`.
    @Sendable func list(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .view)
        var query = try context.queryInput(of: request)
        let fromID = try query["fromId"]?.trimmedText.map { try Int64($0).orThrow(APIError.badRequest("fromId must be an integer")) }
        if case .map(var map) = query {
            map["page"] = nil
            if let size = map["perPage"]?.int, size > Self.maximumPerPage { map["perPage"] = .number(String(Self.maximumPerPage)) }
            query = .map(map)
        }
        let page = try Pagination(query, sortable: EventRepository.sortable, defaultSort: "id")
        let (events, total) = try await repository.list(on: context.runtime.pool, fromID: fromID, page: page)
        return try Response.json(ListEnvelope("events", items: events, total: total))
    }

    @Sendable func get(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .view)
        let id = try Int64(context.parameters.get("eventId") ?? "").orThrow(APIError.notFound)
        return try Response.json(try await repository.find(on: context.runtime.pool, id: id).orThrow(APIError.notFound))
    }
}
