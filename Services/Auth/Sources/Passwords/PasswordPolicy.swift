/// The password policy of platform §1.9 (reset and change): at least 8 characters, upper- and lower-case
/// letters, a digit and a special character. Messages as Open Loyalty words them.
enum PasswordPolicy {
    static let minimumLength = 8
    static let tooShort = "Your password must be at least \(minimumLength) characters long."
    static let missingLetters = "Your password must include at least one letter."
    static let missingCaseDifference = "Your password must include both upper and lower case letters."
    static let missingNumbers = "Your password must include at least one number."
    static let missingSpecialCharacter = "Your password must contain at least one special character."

    /// Every rule the password breaks, in the order above; empty when it complies.
    static func problems(_ password: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append(tooShort) }
        let letters = password.filter(\.isLetter)
        if letters.isEmpty { problems.append(missingLetters) }
        else if !(letters.contains(where: \.isUppercase) && letters.contains(where: \.isLowercase)) {
            problems.append(missingCaseDifference)
        }
        if !password.contains(where: \.isNumber) { problems.append(missingNumbers) }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber }) { problems.append(missingSpecialCharacter) }
        return problems
    }
}
