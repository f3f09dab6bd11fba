import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// A field of a partial update: left alone, or set (nil clears it).
enum Edit<Value: Sendable>: Sendable {
    case keep
    case set(Value?)

    /// The value a new record gets: absent and cleared are both nil.
    var newValue: Value? {
        if case .set(let value) = self { return value }
        return nil
    }

    /// `current` unless the field was sent.
    func applied(to current: Value?) -> Value? {
        if case .set(let value) = self { return value }
        return current
    }

    var isSent: Bool {
        if case .set = self { return true }
        return false
    }
}

/// Who fills the customer form, which decides the fields it may set.
enum CustomerFormKind: Sendable, Equatable {
    /// Admin registration (C11, C36), platform upsert, import: every field.
    case admin
    /// Seller registration (C33): no `sellerId` (the seller is the seller).
    case seller
    /// Self-registration: no level, POS, seller or back-dating; a password is required.
    case selfService
    /// Partial update (C13) by an admin or a seller.
    case update
    /// Partial update (C13) by the customer: no level, POS or seller.
    case selfUpdate
    /// A new customer from the shop platform: the admin form, without the `agreement1` requirement
    /// (the platform collected consent itself).
    case platform
}

/// The shared `customer[...]` form of registrations (C11, C33, C36, X-02) and of the partial update (C13).
struct CustomerForm: Sendable {
    static let addressSchema = FormField.compound("address", Address.fields.map(FormField.field))
    static let companySchema = FormField.compound("company", ["name", "nip"])
    /// The documented 400 children of the registration forms.
    static let createSchema: FormSchema = [
        "firstName", "lastName", "gender", "email", "phone", "birthDate", "createdAt", addressSchema, companySchema,
        "loyaltyCardNumber", "agreement1", "agreement2", "agreement3", "levelId", "posId", "sellerId",
    ]
    /// The documented 400 children of the update form (`labels` before `agreement1`).
    static let updateSchema: FormSchema = [
        "firstName", "lastName", "gender", "email", "phone", "birthDate", "createdAt", addressSchema, companySchema,
        "loyaltyCardNumber", "labels", "agreement1", "agreement2", "agreement3", "levelId", "posId", "sellerId",
    ]
    /// Self-registration: the registration fields a customer may set, and the password.
    static let selfSchema: FormSchema = [
        "firstName", "lastName", "gender", "email", "phone", "birthDate", addressSchema, companySchema,
        "loyaltyCardNumber", "agreement1", "agreement2", "agreement3", "plainPassword",
    ]
    static let genders = ["male", "female", "not_disclosed"]

    let kind: CustomerFormKind
    var firstName: Edit<String> = .keep
    var lastName: Edit<String> = .keep
    var gender: Edit<String> = .keep
    var email: Edit<String> = .keep
    var phone: Edit<String> = .keep
    var birthDate: Edit<LocalDate> = .keep
    var createdAt: Date?
    var address: Edit<Address> = .keep
    var company: Edit<Company> = .keep
    var loyaltyCardNumber: Edit<String> = .keep
    var labels: Edit<[Label]> = .keep
    var agreement1: Edit<Bool> = .keep
    var agreement2: Edit<Bool> = .keep
    var agreement3: Edit<Bool> = .keep
    var levelID: Edit<UUID> = .keep
    var posID: Edit<UUID> = .keep
    var sellerID: Edit<UUID> = .keep
    var invitationToken: String?
    var plainPassword: String?
    /// What is wrong so far; the checks that need the database are added by the caller.
    var errors: FormErrors

    var isCreate: Bool { [.admin, .seller, .selfService, .platform].contains(kind) }

    var schema: FormSchema {
        switch kind {
        case .admin, .seller, .platform: Self.createSchema
        case .selfService: Self.selfSchema
        case .update, .selfUpdate: Self.updateSchema
        }
    }

    /// Reads `customer[...]`. A body without a `customer` form at all is refused at once, every field listed.
    init(_ input: FormValue, kind: CustomerFormKind) throws {
        self.kind = kind
        errors = FormErrors(schema: [])
        errors = FormErrors(schema: schema)
        guard let form = input["customer"], form.map != nil else { throw errors }
        readIdentity(form)
        readDetails(form)
        readAssignments(form)
        if isCreate { requireRegistrationFields() }
    }

    private mutating func readIdentity(_ form: FormValue) {
        firstName = text(form, "firstName")
        lastName = text(form, "lastName")
        email = text(form, "email")
        if let value = email.newValue, !FormCheck.isEmail(value) { errors.add(FormMessage.invalidEmail, at: "email") }
        phone = text(form, "phone")
        if let value = phone.newValue, !FormCheck.isPhone(value) { errors.add(FormMessage.invalidPhone, at: "phone") }
        loyaltyCardNumber = text(form, "loyaltyCardNumber")
        gender = text(form, "gender")
        if let value = gender.newValue, !Self.genders.contains(value) { errors.add(FormMessage.invalid, at: "gender") }
        if kind == .update || kind == .selfUpdate {
            for field in ["firstName", "lastName"] where form[field] != nil && form[field]?.trimmedText == nil {
                errors.add(FormMessage.notBlank, at: field)
            }
        }
        if let value = form["plainPassword"]?.string, !value.isEmpty { plainPassword = value }
        invitationToken = form["invitationToken"]?.trimmedText
    }

    private mutating func readDetails(_ form: FormValue) {
        if let value = form["birthDate"] {
            if let text = value.trimmedText {
                if let day = Timestamps.parseDate(text) { birthDate = .set(day) } else { errors.add(FormMessage.invalid, at: "birthDate") }
            } else {
                birthDate = .set(nil)
            }
        }
        if kind != .selfService && kind != .selfUpdate, let text = form["createdAt"]?.trimmedText {
            if let date = Timestamps.parseDateTime(text) { createdAt = date } else { errors.add(FormMessage.invalid, at: "createdAt") }
        }
        if let value = form["address"] { address = .set(Self.address(value)) }
        if let value = form["company"] { company = readCompany(value) }
        if let value = form["labels"] { labels = readLabels(value) }
        agreement1 = flag(form, "agreement1")
        agreement2 = flag(form, "agreement2")
        agreement3 = flag(form, "agreement3")
    }

    private mutating func readAssignments(_ form: FormValue) {
        guard kind != .selfService, kind != .selfUpdate else { return }
        levelID = uuid(form, "levelId")
        posID = uuid(form, "posId")
        if kind != .seller { sellerID = uuid(form, "sellerId") }
    }

    private mutating func requireRegistrationFields() {
        for (field, edit) in [("firstName", firstName), ("lastName", lastName), ("email", email)] where edit.newValue == nil {
            errors.add(FormMessage.notBlank, at: field)
        }
        if kind != .platform, agreement1.newValue != true { errors.add(FormMessage.notBlank, at: "agreement1") }
        if kind == .selfService {
            if let password = plainPassword {
                for problem in PasswordRules.problems(password) { errors.add(problem, at: "plainPassword") }
            } else {
                errors.add(FormMessage.notBlank, at: "plainPassword")
            }
        }
    }

    private func text(_ form: FormValue, _ field: String) -> Edit<String> {
        guard let value = form[field] else { return .keep }
        return .set(value.trimmedText)
    }

    private mutating func flag(_ form: FormValue, _ field: String) -> Edit<Bool> {
        guard let value = form[field] else { return .keep }
        if value.isBlank { return .set(false) }
        guard let flag = value.bool else {
            errors.add(FormMessage.invalid, at: field)
            return .keep
        }
        return .set(flag)
    }

    private mutating func uuid(_ form: FormValue, _ field: String) -> Edit<UUID> {
        guard let value = form[field] else { return .keep }
        switch FormCheck.uuid(value) {
        case .absent: return .set(nil)
        case .invalid:
            errors.add(FormMessage.invalid, at: field)
            return .keep
        case .id(let id): return .set(id)
        }
    }

    /// The address as sent; it replaces the whole stored address (decision customers C13).
    static func address(_ value: FormValue) -> Address? {
        var address = Address()
        address.street = value["street"]?.trimmedText
        address.address1 = value["address1"]?.trimmedText
        address.address2 = value["address2"]?.trimmedText
        address.postal = value["postal"]?.trimmedText
        address.city = value["city"]?.trimmedText
        address.province = value["province"]?.trimmedText
        address.country = value["country"]?.trimmedText
        return address.isEmpty ? nil : address
    }

    /// Both company parts or none (decision customers A6: a partial company is a 400, not a 500).
    private mutating func readCompany(_ value: FormValue) -> Edit<Company> {
        let name = value["name"]?.trimmedText, nip = value["nip"]?.trimmedText
        switch (name, nip) {
        case (nil, nil): return .set(nil)
        case (let name?, let nip?): return .set(Company(name: name, nip: nip))
        default:
            if name == nil { errors.add(FormMessage.notBlank, at: "company", "name") }
            if nip == nil { errors.add(FormMessage.notBlank, at: "company", "nip") }
            return .keep
        }
    }

    /// `key1:val1;key2:val2`, or a list of `{key, value}` (JSON).
    private mutating func readLabels(_ value: FormValue) -> Edit<[Label]> {
        if let items = value.list {
            var labels: [Label] = []
            for item in items {
                guard let key = item["key"]?.trimmedText else {
                    errors.add(FormMessage.invalid, at: "labels")
                    return .keep
                }
                labels.append(Label(key: key, value: item["value"]?.string ?? ""))
            }
            return .set(labels)
        }
        guard let text = value.string else {
            errors.add(FormMessage.invalid, at: "labels")
            return .keep
        }
        guard let labels = Self.labels(text) else {
            errors.add(FormMessage.invalid, at: "labels")
            return .keep
        }
        return .set(labels)
    }

    /// Parses `key1:val1;key2:val2`; nil when a pair has no key.
    static func labels(_ text: String) -> [Label]? {
        var labels: [Label] = []
        for pair in text.split(separator: ";") {
            let parts = pair.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].trimmedSpaces
            guard !key.isEmpty else { return nil }
            labels.append(Label(key: key, value: parts.count > 1 ? parts[1].trimmedSpaces : ""))
        }
        return labels
    }
}
