import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// How times are shown: always in UTC, in the format each endpoint documents.
enum Timestamps {
    /// `2018-02-02T11:39:17+0000`: customer, level, segment and seller records.
    static func compact(_ date: Date) -> String { dateAndTime(date) + "+0000" }

    /// `2022-02-15T10:36:50+00:00`: customer history.
    static func rfc3339(_ date: Date) -> String { dateAndTime(date) + "+00:00" }

    /// `2025-05-09T04:10:26.610Z`: the Okendo APIs.
    static func okendo(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let padded = String((milliseconds + 1000) % 1000 + 1000).dropFirst()
        return dateAndTime(date) + ".\(padded)Z"
    }

    /// A date shown as a date-time at midnight UTC: `1990-09-11T00:00:00+0000` (birth dates).
    static func compact(_ day: LocalDate) -> String { "\(day)T00:00:00+0000" }

    /// `2020-01-01 14:15:16`: CSV exports.
    static func plain(_ date: Date) -> String { dateAndTime(date).replacingOccurrences(of: "T", with: " ") }

    /// Midnight UTC at the start of a day.
    static func startOfDay(_ day: LocalDate) -> Date { UTCTime.startOfDay(day) }

    /// The UTC day a time falls on.
    static func day(of date: Date) -> LocalDate { UTCTime.day(of: date) }

    private static func dateAndTime(_ date: Date) -> String { UTCTime.dateAndTime(date) }

    /// Parses what forms send for a date-time (`UTCTime.parse`).
    static func parseDateTime(_ text: String) -> Date? { UTCTime.parse(text) }

    /// Parses a date: `2017-10-05`, also `2017-10-05 14:15` or a full date-time (the time is ignored).
    static func parseDate(_ text: String) -> LocalDate? {
        let text = text.trimmedSpaces
        guard text.count >= 10, let day = LocalDate(String(text.prefix(10))) else { return nil }
        if text.count == 10 { return day }
        return parseDateTime(text) != nil ? day : nil
    }
}
