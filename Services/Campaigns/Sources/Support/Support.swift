import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Times as the campaign endpoints show them: `2017-09-05T10:59:00+0000`, in UTC (decision campaigns §0.6, §1.1).
enum Timestamp {
    static func iso(_ date: Date) -> String { UTCTime.dateAndTime(date) + "+0000" }

    /// `2019-03-14 10:29:05`: the CSV export.
    static func plain(_ date: Date) -> String { UTCTime.dateAndTime(date).replacingOccurrences(of: "T", with: " ") }
}
