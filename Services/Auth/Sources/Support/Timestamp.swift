import Foundation
import Postgres

/// Renders times as the API documents them, always in UTC.
enum Timestamp {
    /// `2017-09-21T13:54:04+0000`: admin `createAt`, audit `createdAt`, store `createdAt`.
    static func compact(_ date: Date) -> String { dateAndTime(date) + "+0000" }

    /// `2020-03-13T12:12:58+00:00`: CSV export, XML archive, event `recorderOn`.
    static func rfc3339(_ date: Date) -> String { dateAndTime(date) + "+00:00" }

    /// Midnight UTC at the start of a day.
    static func startOfDay(_ day: LocalDate) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
    }

    /// The UTC day a time falls on.
    static func day(of date: Date) -> LocalDate {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return LocalDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// The same calendar day a year earlier (28 February for 29 February).
    static func yearBefore(_ day: LocalDate) -> LocalDate {
        LocalDate(year: day.year - 1, month: day.month, day: day.day)
            ?? LocalDate(year: day.year - 1, month: day.month, day: 28) ?? day.adding(days: -365)
    }

    private static func dateAndTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = day(of: date)
        let secondOfDay = seconds - day.daysSinceEpoch * 86_400
        return "\(day)T" + String(format: "%02d:%02d:%02d", secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }
}
