/// Loose checks shared by the services' forms; a service adds its own in an extension.
public enum FormCheck {
    /// Roughly what Symfony's `Email` constraint accepts: one `@`, a dot in the domain, no spaces.
    public static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !text.contains(where: \.isWhitespace)
    }
}
