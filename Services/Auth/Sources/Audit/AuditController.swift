import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Audit API (EP-14…18): admins with the `AUDIT` resource.
struct AuditController {
    let repository: AuditRepository
    let archive: AuditArchive

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.get("api/audit/log", use: list)
        routes.get("api/audit/log/export", use: export)
        routes.post("api/audit/log/archive", use: createArchive)
        routes.get("api/audit/log/archive", use: listArchives)
        routes.get("api/audit/log/archive/{filename}", use: getArchive)
        return routes
    }

    @Sendable func list(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: AuditRepository.sortable, defaultSort: "createdAt")
        let (logs, total) = try await repository.list(on: context.runtime.pool, filter: try Self.filter(query), page: page)
        return try Response.json(ListEnvelope("logs", items: logs.map(AuditView.init), total: total))
    }

    /// Every matching entry as CSV; only `sort` and `direction` of the paging parameters apply.
    @Sendable func export(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .view)
        var query = try context.queryInput(of: request)
        if case .map(var map) = query { map["page"] = nil; map["perPage"] = nil; query = .map(map) }
        let order = try Pagination(query, sortable: AuditRepository.sortable, defaultSort: "createdAt")
        let records = try await repository.all(
            on: context.runtime.pool, filter: try Self.filter(query), sortColumn: order.sortColumn, direction: order.direction
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"audit_log.csv\""],
            body: .init(byteBuffer: ByteBuffer(string: AuditCSV.render(records)))
        )
    }

    /// `archive[beforeDate]` (`YYYY-MM-DD`, body or query); absent: a year before today (UTC).
    @Sendable func createArchive(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .modify)
        let input = try await context.inputIncludingQuery(from: request)
        let day = try Self.beforeDate(input["archive"]?["beforeDate"])
        let result = try await archive.archive(before: day, change: Change(by: context), on: context.runtime.pool)
        return try Response.json(result)
    }

    @Sendable func listArchives(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .view)
        let names = archive.names()
        return try Response.json(ListEnvelope("archives", items: names, total: names.count))
    }

    /// The XML file as stored; names that are not archive names (paths included) are 404.
    @Sendable func getArchive(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.audit, .view)
        let name = try context.parameters.get("filename").orThrow(APIError.notFound)
        let data = try archive.contents(of: name).orThrow(APIError.notFound)
        return Response(
            status: .ok,
            headers: [.contentType: "application/xml; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func filter(_ query: FormValue) throws -> AuditFilter {
        var filter = AuditFilter()
        filter.entityType = query["entityType"]?.trimmedText
        filter.eventType = query["eventType"]?.trimmedText
        filter.entityID = query["entityId"]?.trimmedText
        filter.username = query["username"]?.trimmedText
        if let text = query["auditLogId"]?.trimmedText {
            filter.auditLogID = try UUID(uuidString: text).orThrow(APIError.badRequest("auditLogId must be a UUID"))
        }
        filter.createdFrom = try date(query["createdAtFrom"], name: "createdAtFrom")
        filter.createdTo = try date(query["createdAtTo"], name: "createdAtTo")
        return filter
    }

    private static func date(_ value: FormValue?, name: String) throws -> LocalDate? {
        guard let text = value?.trimmedText else { return nil }
        return try LocalDate(text).orThrow(APIError.badRequest("\(name) must be a date (YYYY-MM-DD)"))
    }

    private static func beforeDate(_ value: FormValue?) throws -> LocalDate {
        guard let text = value?.trimmedText else { return Timestamp.yearBefore(Timestamp.day(of: Date())) }
        guard let day = LocalDate(text) else {
            var errors = FormErrors(schema: ["beforeDate"])
            errors.add("This value is not a valid date.", at: "beforeDate")
            throw errors
        }
        return day
    }
}
