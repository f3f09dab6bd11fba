import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Which parts of a customer an edit changed; each has its own event.
struct CustomerChanges: OptionSet, Sendable {
    let rawValue: Int
    static let details = CustomerChanges(rawValue: 1)
    static let address = CustomerChanges(rawValue: 2)
    static let company = CustomerChanges(rawValue: 4)
    static let card = CustomerChanges(rawValue: 8)
    static let level = CustomerChanges(rawValue: 16)
    static let pos = CustomerChanges(rawValue: 32)
    static let seller = CustomerChanges(rawValue: 64)
}

extension CustomerRecord {
    /// Applies the sent fields of a form; returns what changed. Level, POS and seller are only compared:
    /// the caller assigns them (they have their own events and rules). Phone changes by the customer are
    /// left to the caller too (they wait for an SMS confirmation).
    @discardableResult
    mutating func apply(_ form: CustomerForm, phone applyPhone: Bool = true) -> CustomerChanges {
        var changes: CustomerChanges = []
        func set<Value: Equatable>(_ keyPath: WritableKeyPath<CustomerRecord, Value?>, _ edit: Edit<Value>, _ part: CustomerChanges) {
            let value = edit.applied(to: self[keyPath: keyPath])
            if value != self[keyPath: keyPath] {
                self[keyPath: keyPath] = value
                changes.insert(part)
            }
        }
        set(\.firstName, form.firstName, .details)
        set(\.lastName, form.lastName, .details)
        set(\.gender, form.gender, .details)
        set(\.email, form.email, .details)
        if applyPhone { set(\.phone, form.phone, .details) }
        set(\.birthDate, form.birthDate, .details)
        if form.birthDate.isSent {
            birthdayMonth = birthDate?.month
            birthdayDay = birthDate?.day
        }
        set(\.address, form.address, .address)
        set(\.company, form.company, .company)
        set(\.loyaltyCardNumber, form.loyaltyCardNumber, .card)
        if case .set(let labels) = form.labels, (labels ?? []) != self.labels {
            self.labels = labels ?? []
            changes.insert(.details)
        }
        for (keyPath, edit) in [(\CustomerRecord.agreement1, form.agreement1), (\.agreement2, form.agreement2), (\.agreement3, form.agreement3)] {
            if case .set(let flag) = edit, (flag ?? false) != self[keyPath: keyPath] {
                self[keyPath: keyPath] = flag ?? false
                changes.insert(.details)
            }
        }
        if let createdAt = form.createdAt, createdAt != self.createdAt {
            self.createdAt = createdAt
            changes.insert(.details)
        }
        if form.levelID.isSent, form.levelID.newValue != levelID { changes.insert(.level) }
        if form.posID.isSent, form.posID.newValue != posID { changes.insert(.pos) }
        if form.sellerID.isSent, form.sellerID.newValue != sellerID { changes.insert(.seller) }
        return changes
    }
}

/// The checks of the customer form that need the database: identifiers used by another customer of the
/// store, and level, POS and seller ids that must exist.
struct CustomerReferences: Sendable {
    let levels = LevelRepository()
    let pos = PosRepository()
    let sellers = SellerRepository()

    func check(
        _ form: CustomerForm, customer: UUID?, phone: String?, storeID: UUID, errors: inout FormErrors, on tx: some PostgresQueryable
    ) async throws {
        try await checkIdentifiers(form, customer: customer, phone: phone, storeID: storeID, errors: &errors, on: tx)
        if let id = form.levelID.newValue, !(try await levels.exists(on: tx, storeID: storeID, id: id)) {
            errors.add(FormMessage.invalid, at: "levelId")
        }
        if let id = form.posID.newValue, !(try await pos.exists(on: tx, storeID: storeID, id: id)) {
            errors.add(FormMessage.invalid, at: "posId")
        }
        if let id = form.sellerID.newValue, !(try await sellers.exists(on: tx, storeID: storeID, id: id)) {
            errors.add(FormMessage.invalid, at: "sellerId")
        }
    }

    /// `This value is already used.` on each identifier another customer of the store has.
    private func checkIdentifiers(
        _ form: CustomerForm, customer: UUID?, phone: String?, storeID: UUID, errors: inout FormErrors, on tx: some PostgresQueryable
    ) async throws {
        let candidates: [(String, String?, String?, String?)] = [
            ("email", form.email.newValue, nil, nil), ("phone", nil, phone, nil), ("loyaltyCardNumber", nil, nil, form.loyaltyCardNumber.newValue),
        ]
        for (field, email, phone, card) in candidates where email != nil || phone != nil || card != nil {
            guard errors.messages(at: field).isEmpty else { continue }
            if try await CustomerIdentifiers.conflict(on: tx, storeID: storeID, excluding: customer, email: email, phone: phone, card: card) {
                errors.add(FormMessage.alreadyUsed, at: field)
            }
        }
    }
}
