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
        return dateAndTime(date) + String(format: ".%03dZ", (milliseconds + 1000) % 1000)
    }

    /// A date shown as a date-time at midnight UTC: `1990-09-11T00:00:00+0000` (birth dates).
    static func compact(_ day: LocalDate) -> String { "\(day)T00:00:00+0000" }

    /// `2020-01-01 14:15:16`: CSV exports.
    static func plain(_ date: Date) -> String { dateAndTime(date).replacingOccurrences(of: "T", with: " ") }

    /// Midnight UTC at the start of a day.
    static func startOfDay(_ day: LocalDate) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
    }

    /// The UTC day a time falls on.
    static func day(of date: Date) -> LocalDate {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return LocalDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    private static func dateAndTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = day(of: date)
        let secondOfDay = seconds - day.daysSinceEpoch * 86_400
        return "\(day)T" + String(format: "%02d:%02d:%02d", secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    /// Parses what forms send for a date-time: `2017-01-01 14:15:16`, `2017-01-01T14:15:16`, with or without
    /// seconds and an offset, or a bare date (midnight UTC). Nil for anything else.
    static func parseDateTime(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.count >= 10, let day = LocalDate(String(text.prefix(10))) else { return nil }
        var rest = Substring(text.dropFirst(10))
        if rest.isEmpty { return startOfDay(day) }
        guard rest.first == " " || rest.first == "T" else { return nil }
        rest = rest.dropFirst()
        let clock = rest.prefix { $0.isNumber || $0 == ":" }
        let parts = clock.split(separator: ":").map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
        let hour = parts[0] ?? 0, minute = parts[1] ?? 0, second = parts.count == 3 ? (parts[2] ?? 0) : 0
        guard hour < 24, minute < 60, second < 61 else { return nil }
        var offset = 0
        var zone = rest.dropFirst(clock.count)
        if let dot = zone.first, dot == "." { zone = zone.drop { $0 == "." || $0.isNumber } }
        if zone == "Z" || zone.isEmpty {
            offset = 0
        } else if let sign = zone.first, sign == "+" || sign == "-" {
            let digits = zone.dropFirst().filter(\.isNumber)
            guard digits.count == 4 || digits.count == 2, let value = Int(digits) else { return nil }
            let minutes = digits.count == 4 ? (value / 100) * 60 + value % 100 : value * 60
            offset = (sign == "-" ? -1 : 1) * minutes * 60
        } else {
            return nil
        }
        let seconds = day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Parses a date: `2017-10-05`, also `2017-10-05 14:15` or a full date-time (the time is ignored).
    static func parseDate(_ text: String) -> LocalDate? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.count >= 10, let day = LocalDate(String(text.prefix(10))) else { return nil }
        if text.count == 10 { return day }
        return parseDateTime(text) != nil ? day : nil
    }
}
