import Foundation
import Postgres
import ServiceKit

/// Renders times as the API documents them, always in UTC.
enum Timestamp {
    /// `2017-09-21T13:54:04+0000`: admin `createAt`, audit `createdAt`, store `createdAt`.
    static func compact(_ date: Date) -> String { dateAndTime(date) + "+0000" }

    /// `2020-03-13T12:12:58+00:00`: CSV export, XML archive, event `recorderOn`.
    static func rfc3339(_ date: Date) -> String { dateAndTime(date) + "+00:00" }

    /// Midnight UTC at the start of a day.
    static func startOfDay(_ day: LocalDate) -> Date { UTCTime.startOfDay(day) }

    /// The UTC day a time falls on.
    static func day(of date: Date) -> LocalDate { UTCTime.day(of: date) }

    /// The same calendar day a year earlier (28 February for 29 February).
    static func yearBefore(_ day: LocalDate) -> LocalDate {
        LocalDate(year: day.year - 1, month: day.month, day: day.day)
            ?? LocalDate(year: day.year - 1, month: day.month, day: 28) ?? day.adding(days: -365)
    }

    private static func dateAndTime(_ date: Date) -> String { UTCTime.dateAndTime(date) }
}
