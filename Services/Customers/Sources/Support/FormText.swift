import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Checks shared by the forms of the service.
enum FormCheck {
    /// Roughly what Symfony's `Email` constraint accepts: one `@`, a dot in the domain, no spaces.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !text.contains(where: \.isWhitespace)
    }

    /// A phone number as the suite accepts it (decision customers §1.16): an optional `+`, then 8 to 15
    /// digits, ignoring spaces, dashes, dots and parentheses; a number whose digits after the first two are
    /// all zeros (the documented invalid `+440000000`) is refused.
    static func isPhone(_ text: String) -> Bool {
        var body = Substring(text.trimmedSpaces)
        if body.first == "+" { body = body.dropFirst() }
        let separators: Set<Character> = [" ", "-", ".", "(", ")"]
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || separators.contains($0)) }) else { return false }
        let digits = body.filter(\.isNumber)
        guard (8...15).contains(digits.count) else { return false }
        return !digits.dropFirst(2).allSatisfy { $0 == "0" }
    }

    /// A UUID field: nil when absent or blank, `.invalid` when not a UUID.
    static func uuid(_ value: FormValue?) -> UUIDField {
        guard let text = value?.trimmedText else { return .absent }
        guard let id = UUID(uuidString: text) else { return .invalid }
        return .id(id)
    }

    enum UUIDField: Equatable {
        case absent
        case invalid
        case id(UUID)

        var id: UUID? {
            if case .id(let id) = self { return id }
            return nil
        }
    }

    /// A boolean checkbox as Symfony reads it: absent, empty, `0`, `false`, `null` are false; anything else true.
    static func checkbox(_ value: FormValue?) -> Bool {
        guard let value else { return false }
        if let flag = value.bool { return flag }
        guard let text = value.trimmedText?.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) else { return false }
        return !["", "0", "false", "null"].contains(text.lowercased())
    }

    /// A decimal number field with at most two decimals; nil when it is not one.
    static func amount(_ value: FormValue?) -> Amount? {
        guard let text = value?.trimmedText else { return nil }
        return Amount(exactly: text)
    }

    /// A decimal number field rounded to two decimals; nil when it is not a number.
    static func roundedAmount(_ value: FormValue?) -> Amount? {
        guard let text = value?.trimmedText else { return nil }
        return Amount(rounding: text)
    }
}
