import Foundation
import ServiceKit

/// The `store[...]` form of `POST /api/store` and `PUT /api/store/{store}`.
///
/// Creation needs `code`, `name` and `currency`; `active` defaults to true. An update changes only the
/// fields it sends (decision platform §5.17). Codes that collide with global paths are reserved
/// (decision platform §1.1).
struct StoreForm {
    static let schema: FormSchema = ["code", "name", "currency", "active"]
    static let reservedCodes: Set<String> = ["admin", "audit", "event", "healthcheck", "password", "seller", "store", "token"]
    static let reservedMessage = "This value is reserved."
    static let invalidCurrency = "This value is not a valid currency."

    /// The store the form describes: `current` with the sent fields applied, or a new store.
    static func read(_ input: FormValue, current: Store?) throws -> Store {
        guard let form = input["store"], form.map != nil else { throw FormErrors(schema: schema) }
        var errors = FormErrors(schema: schema)
        let code = text(form, "code", current: current?.code, errors: &errors)
        if let code, !code.isEmpty { check(code: code, errors: &errors) }
        let name = text(form, "name", current: current?.name, errors: &errors)
        var currency = text(form, "currency", current: current?.currency, errors: &errors)?.uppercased()
        if let value = currency, !value.isEmpty, !(value.count == 3 && value.allSatisfy { $0.isASCII && $0.isLetter }) {
            errors.add(invalidCurrency, at: "currency")
            currency = nil
        }
        let active = flag(form["active"], current: current?.active ?? true, errors: &errors)
        guard errors.isEmpty, let code, let name, let currency else { throw errors }
        return Store(id: current?.id ?? UUID(), code: code, name: name, currency: currency, active: active)
    }

    /// A text field: the sent value, else the current one (update), else a "not blank" error.
    private static func text(_ form: FormValue, _ field: String, current: String?, errors: inout FormErrors) -> String? {
        if let value = form[field] {
            if let text = value.trimmedText { return text }
            errors.add(FormMessage.notBlank, at: field)
            return nil
        }
        if let current { return current }
        errors.add(FormMessage.notBlank, at: field)
        return nil
    }

    private static func check(code: String, errors: inout FormErrors) {
        if reservedCodes.contains(code.lowercased()) {
            errors.add(reservedMessage, at: "code")
        } else if code.count > 64 || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
            errors.add(FormMessage.invalid, at: "code")
        }
    }

    /// `1/0/true/false` and the documented `active/inactive`.
    private static func flag(_ value: FormValue?, current: Bool, errors: inout FormErrors) -> Bool {
        guard let value, !value.isBlank else { return current }
        if let flag = value.bool { return flag }
        switch value.string?.lowercased() {
        case "active": return true
        case "inactive": return false
        default:
            errors.add(FormMessage.invalid, at: "active")
            return current
        }
    }
}
