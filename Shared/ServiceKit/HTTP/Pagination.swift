import Foundation
import Postgres

/// `ASC` / `DESC`, accepted in any case.
public enum SortDirection: String, Sendable {
    case ascending = "ASC"
    case descending = "DESC"
}

/// Page, size and order of a list request (`page`, `perPage`, `sort`, `direction`).
///
/// Results past position 10,000 are refused, as the Open Loyalty API documents its result window.
public struct Pagination: Sendable, Hashable {
    public static let resultWindow = 10_000
    public var page: Int
    public var perPage: Int
    /// The SQL expression to order by, chosen from the endpoint's allow-list (never client text).
    public var sortColumn: String
    /// The API name of the sort field.
    public var sort: String
    public var direction: SortDirection

    /// Reads the parameters from a query (or form) value.
    ///
    /// - Parameters:
    ///   - sortable: API sort names → SQL expressions; a `sort` outside it is a 400.
    ///   - defaultSort: the API name used when `sort` is absent.
    public init(
        _ input: FormValue, sortable: [String: String], defaultSort: String,
        defaultDirection: SortDirection = .ascending, defaultPerPage: Int = 10
    ) throws {
        page = try Self.positive(input["page"], name: "page", fallback: 1)
        perPage = try Self.positive(input["perPage"], name: "perPage", fallback: defaultPerPage)
        sort = input["sort"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? defaultSort
        guard let column = sortable[sort] else {
            throw APIError.badRequest("Invalid sort field \"\(sort)\"; allowed: \(sortable.keys.sorted().joined(separator: ", "))")
        }
        sortColumn = column
        switch input["direction"]?.string?.uppercased() {
        case nil, "": direction = defaultDirection
        case "ASC": direction = .ascending
        case "DESC": direction = .descending
        case let other?: throw APIError.badRequest("Invalid direction \"\(other)\"; allowed: ASC, DESC")
        }
        guard page.multipliedReportingOverflow(by: perPage).partialValue <= Self.resultWindow,
              !page.multipliedReportingOverflow(by: perPage).overflow
        else { throw APIError.badRequest("Result window is too large") }
    }

    public var offset: Int { (page - 1) * perPage }

    /// `ORDER BY <column> <direction>, <tieBreaker> LIMIT … OFFSET …` — the tie-breaker keeps pages stable.
    public func orderAndLimit(tieBreaker: String = "id") -> SQL {
        // Every part comes from the allow-list or is an integer: safe to embed as text.
        let clause: String = " ORDER BY \(sortColumn) \(direction.rawValue), \(tieBreaker) \(direction.rawValue) LIMIT \(perPage) OFFSET \(offset)"
        return SQL(clause)
    }

    private static func positive(_ value: FormValue?, name: String, fallback: Int) throws -> Int {
        guard let value, !value.isBlank else { return fallback }
        guard let number = value.int, number >= 1 else { throw APIError.badRequest("\(name) must be a positive integer") }
        return number
    }
}

/// The collection envelope: `{"<plural>":[…],"total":N}` where `total` counts every match, not the page.
public struct ListEnvelope<Item: Encodable>: Encodable {
    public let key: String
    public let items: [Item]
    public let total: Int

    public init(_ key: String, items: [Item], total: Int) {
        self.key = key
        self.items = items
        self.total = total
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(key))
        try container.encode(total, forKey: Key("total"))
    }
}
