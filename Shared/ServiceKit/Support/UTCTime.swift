import Foundation
import Postgres

/// Date-times as the APIs write and read them, computed by hand: the request hot paths parse and render
/// times, and Foundation's formatters cost more than the rest of such a request.
public enum UTCTime {
    /// The UTC day a time falls on.
    public static func day(of date: Date) -> LocalDate {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return LocalDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// Midnight UTC at the start of a day.
    public static func startOfDay(_ day: LocalDate) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
    }

    /// `2024-02-20T09:28:00`, in UTC, without an offset (callers append the one their endpoint shows).
    public static func dateAndTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = day(of: date)
        let secondOfDay = seconds - day.daysSinceEpoch * 86_400
        return "\(day)T\(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay % 3600 / 60)):\(twoDigits(secondOfDay % 60))"
    }

    /// A number below 100 with a leading zero.
    public static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// Parses what forms send for a date-time: `2017-01-01 14:15`, `2017-01-01 14:15:16`, `2017-01-01T14:15:16`,
    /// with optional fractional seconds and an offset (`Z`, `+01`, `+0100`, `+01:00`), or a bare date (midnight).
    /// No offset means UTC. Nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let text = text.trimmedSpaces
        guard text.utf8.count >= 10, let day = LocalDate(String(text.prefix(10))) else { return nil }
        var rest = Substring(text.dropFirst(10))
        if rest.isEmpty { return startOfDay(day) }
        guard rest.first == " " || rest.first == "T" else { return nil }
        rest = rest.dropFirst()
        let clock = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ":") }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false).map { (1...2).contains($0.count) ? Int($0) : nil }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
        let hour = parts[0] ?? 0, minute = parts[1] ?? 0, second = parts.count == 3 ? (parts[2] ?? 0) : 0
        guard hour < 24, minute < 60, second < 61 else { return nil }
        var zone = rest.dropFirst(clock.count)
        if zone.first == "." { zone = zone.dropFirst().drop { $0.isASCII && $0.isNumber } }
        guard let offset = offsetSeconds(zone) else { return nil }
        let seconds = day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// `Z`, nothing, `+01`, `+0100` or `+01:00` as seconds east of UTC; nil for anything else.
    private static func offsetSeconds(_ zone: Substring) -> Int? {
        if zone.isEmpty || zone == "Z" { return 0 }
        guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
        let body = zone.dropFirst()
        let digits = body.filter { $0 != ":" }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":") }), digits.count == 4 || digits.count == 2,
              let value = Int(digits)
        else { return nil }
        let minutes = digits.count == 4 ? (value / 100) * 60 + value % 100 : value * 60
        return (sign == "-" ? -1 : 1) * minutes * 60
    }
}
