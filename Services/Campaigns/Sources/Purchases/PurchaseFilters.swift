import Foundation
import Postgres
import ServiceKit

/// The filters of the store-wide purchase list and export (CMP-08, CMP-09).
enum PurchaseFilters {
    /// `(query name, column, lower bound?)` of the date filters.
    private static let dates: [(String, String, Bool)] = [
        ("purchasedAtFrom", "p.purchased_at", true), ("purchasedAtTo", "p.purchased_at", false),
        ("usageDateFrom", "p.usage_date", true), ("usageDateTo", "p.usage_date", false),
        ("activeSinceFrom", "p.active_since", true), ("activeSinceTo", "p.active_since", false),
        ("activeToFrom", "p.active_to", true), ("activeToTo", "p.active_to", false),
    ]

    static func condition(_ query: FormValue) throws -> SQL {
        var condition: SQL = "TRUE"
        if let used = query["used"], !used.isBlank {
            guard let flag = used.bool else { throw APIError.badRequest("used must be true or false") }
            condition = "\(condition) AND p.used = \(flag)"
        }
        for (name, column, lower) in dates {
            guard let text = query[name]?.trimmedText else { continue }
            guard let date = UTCTime.parse(text) else { throw APIError.badRequest("\(name) must be a date (YYYY-MM-DD or YYYY-MM-DD HH:mm)") }
            // A bare day as an upper bound includes the whole day.
            let bound = !lower && text.count == 10 ? date.addingTimeInterval(86_399) : date
            condition = lower ? "\(condition) AND \(unsafeRaw: column) >= \(bound)" : "\(condition) AND \(unsafeRaw: column) <= \(bound)"
        }
        if let status = query["deliveryStatus"]?.trimmedText {
            guard Purchase.deliveryStatuses.contains(status) else { throw APIError.badRequest("deliveryStatus must be ordered, canceled, shipped or delivered") }
            condition = "\(condition) AND p.delivery_status = \(status)"
        }
        return condition
    }
}
