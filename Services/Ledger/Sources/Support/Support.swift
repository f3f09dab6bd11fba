import Foundation
import Hummingbird
import Postgres
import ServiceKit

extension FormValue {
    /// An exact amount with at most two decimals, nil when absent or not a number.
    var amount: Amount? {
        trimmedText.flatMap(Amount.init(exactly:))
    }
}

/// Renders times as the ledger's endpoints show them: ISO-8601 in UTC with a `+00:00` offset
/// (decision ledger A-32).
enum Timestamp {
    static func iso(_ date: Date) -> String { UTCTime.dateAndTime(date) + "+00:00" }

    /// The UTC day a time falls on.
    static func day(of date: Date) -> LocalDate { UTCTime.day(of: date) }

    /// Parses the input forms the documentation uses: `2019-02-20 09:28`, `2019-02-20 09:28:00`,
    /// `2019-02-20`, ISO-8601 with or without an offset (`2022-02-20T09:45:04+0100`). No offset means UTC.
    static func parse(_ text: String) -> Date? { UTCTime.parse(text) }
}
