import Foundation
import ServiceKit

extension FormValue {
    /// The trimmed text of a field, nil when absent or blank.
    var trimmedText: String? {
        guard let text = string?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}

/// Loose checks shared by the forms of the service.
enum FormCheck {
    /// Roughly what Symfony's `Email` constraint accepts: one `@`, a dot in the domain, no spaces.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !text.contains(where: \.isWhitespace)
    }
}
