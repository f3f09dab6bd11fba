import Foundation
import Hummingbird
import Postgres
import ServiceKit

extension RequestContext {
    /// A UUID path parameter; anything else is a 404 (the entity cannot exist).
    func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw APIError.notFound }
        return id
    }
}

extension FormValue {
    /// An exact amount with at most two decimals, nil when absent or not a number.
    var amount: Amount? {
        trimmedText.flatMap(Amount.init(exactly:))
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}

extension UUID {
    /// The lower-case text form the API shows.
    var text: String { uuidString.lowercased() }
}

/// Renders times as the ledger's endpoints show them: ISO-8601 in UTC with a `+00:00` offset
/// (decision ledger A-32).
enum Timestamp {
    static func iso(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let day = LocalDate(daysSinceEpoch: days)
        let secondOfDay = seconds - days * 86_400
        return "\(day)T" + String(format: "%02d:%02d:%02d", secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60) + "+00:00"
    }

    /// The UTC day a time falls on.
    static func day(of date: Date) -> LocalDate {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return LocalDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// Parses the input forms the documentation uses: `2019-02-20 09:28`, `2019-02-20 09:28:00`,
    /// `2019-02-20`, ISO-8601 with or without an offset (`2022-02-20T09:45:04+0100`). No offset means UTC.
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let formats = [
            "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssZ", "yyyy-MM-dd'T'HH:mm:ssZZZZZ",
            "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mmZ", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
        ]
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }
}

