import Foundation
import ServiceKit

/// The `admin[...]` form of EP-05 (create) and EP-08 (full-replace update).
///
/// Decision platform §5.9: `email` is required and `firstName`, `lastName`, `phone` and `roles` are replaced
/// by what is sent (absent clears them). The secrets and state flags keep their value when absent:
/// `plainPassword` and `apiKey` (a stored token cannot be sent back, it is kept hashed), `isActive` (true for
/// a new admin) and `external` (false for a new admin). Decision platform §5.8: the password policy of §1.9
/// applies to reset and change, not to this form, whose documented example uses `password1234`.
struct AdminForm {
    static let schema: FormSchema = ["firstName", "lastName", "phone", "email", "plainPassword", "external", "apiKey", "isActive"]
    static let tooManyRoles = "This collection should contain 1 element or less."
    static let selfDeactivation = "You cannot deactivate your own account."

    var email: String
    var firstName: String?
    var lastName: String?
    var phone: String?
    var external: Bool
    var isActive: Bool
    /// The role ids sent; nil when `roles` was absent.
    var roleIDs: [Int]?
    var plainPassword: String?
    var apiKey: String?
    /// What is wrong with the form so far; the controller adds the checks that need the database.
    var errors: FormErrors

    /// Reads and checks the form against the admin being updated (nil: a new admin). A request without an
    /// `admin` form at all is refused at once, with every field listed and no message (as documented).
    init(_ input: FormValue, current: AdminRecord?) throws {
        guard let form = input["admin"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        errors = FormErrors(schema: Self.schema)
        email = form["email"]?.trimmedText ?? ""
        if email.isEmpty { errors.add(FormMessage.notBlank, at: "email") }
        else if !FormCheck.isEmail(email) { errors.add(FormMessage.invalidEmail, at: "email") }
        firstName = form["firstName"]?.trimmedText
        lastName = form["lastName"]?.trimmedText
        phone = form["phone"]?.trimmedText
        external = Self.flag(form["external"], "external", current: current?.external ?? false, errors: &errors)
        isActive = Self.flag(form["isActive"], "isActive", current: current?.isActive ?? true, errors: &errors)
        plainPassword = form["plainPassword"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        apiKey = form["apiKey"]?.trimmedText
        roleIDs = Self.roles(form["roles"], errors: &errors)
        if external, apiKey == nil, !(current?.external == true && current?.hasAPIKey == true) {
            errors.add(FormMessage.notBlank, at: "apiKey")
        }
        if !external, plainPassword == nil, !(current?.external == false && current?.hasPassword == true) {
            errors.add(FormMessage.notBlank, at: "plainPassword")
        }
    }

    /// Whether the e-mail is worth checking for duplicates.
    var hasValidEmail: Bool { errors.messages(at: "email").isEmpty }

    /// Refuses an admin deactivating their own account (they could not undo it).
    mutating func check(editor: UUID?, admin: UUID) {
        if editor == admin, !isActive { errors.add(Self.selfDeactivation, at: "isActive") }
    }

    private static func flag(_ value: FormValue?, _ field: String, current: Bool, errors: inout FormErrors) -> Bool {
        guard let value, !value.isBlank else { return current }
        guard let flag = value.bool else {
            errors.add(FormMessage.invalid, at: field)
            return current
        }
        return flag
    }

    /// `roles[]` as integer ids (at most one); a single scalar is read as a one-element list.
    private static func roles(_ value: FormValue?, errors: inout FormErrors) -> [Int]? {
        guard let value else { return nil }
        if value.isBlank { return [] }
        let items = value.list ?? [value]
        let ids = items.compactMap(\.int)
        if ids.count != items.count { errors.add(FormMessage.invalid, at: "roles") }
        else if ids.count > 1 { errors.add(tooManyRoles, at: "roles") }
        return ids
    }
}
