import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The password policy of platform §1.9 (at least 8 characters, upper- and lower-case letters, a digit and
/// a special character), for the passwords customers and sellers choose here. Messages as Open Loyalty words them.
enum PasswordRules {
    static let minimumLength = 8

    /// Every rule the password breaks; empty when it complies.
    static func problems(_ password: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append("Your password must be at least \(minimumLength) characters long.") }
        let letters = password.filter(\.isLetter)
        if letters.isEmpty {
            problems.append("Your password must include at least one letter.")
        } else if !(letters.contains(where: \.isUppercase) && letters.contains(where: \.isLowercase)) {
            problems.append("Your password must include both upper and lower case letters.")
        }
        if !password.contains(where: \.isNumber) { problems.append("Your password must include at least one number.") }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber }) {
            problems.append("Your password must contain at least one special character.")
        }
        return problems
    }
}
