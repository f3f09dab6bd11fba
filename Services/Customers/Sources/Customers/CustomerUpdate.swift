import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The partial update (C13): only the fields sent change, an empty field is cleared, address and company
/// are replaced whole. A customer changing their own phone gets an SMS code to confirm it (C14).
struct CustomerUpdate: Sendable {
    let customers = CustomerRepository()
    let references = CustomerReferences()
    let settings = SettingsRepository()
    let mover = LevelMover()
    let notifier: CustomerNotifier
    let logger: Logger

    func update(_ id: UUID, form: CustomerForm, store: Store, change: Change, pool: PostgresPool) async throws {
        let pending = try await CustomerIdentifiers.reportingDuplicates(schema: form.schema) {
            try await pool.transaction { tx in try await update(id, form: form, store: store, change: change, on: tx) }
        }
        do { try notifier.send(pending) } catch { logger.error("outbox failed for customer \(id): \(error)") }
    }

    /// The update inside the caller's transaction; returns the messages to send after commit.
    func update(_ id: UUID, form: CustomerForm, store: Store, change: Change, on tx: PostgresSession) async throws -> [CustomerNotifier.Pending] {
        var customer = try await customers.find(on: tx, storeID: store.id, id: id, lock: true).orThrow(APIError.notFound)
        let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
        let newPhone = form.phone.newValue
        let confirmsPhone = form.kind == .selfUpdate && form.phone.isSent && newPhone != nil && newPhone != customer.phone
        var errors = form.errors
        try await references.check(form, customer: id, phone: form.phone.isSent ? newPhone : nil, storeID: store.id, errors: &errors, on: tx)
        guard errors.isEmpty else { throw errors }

        let before = customer
        let changes = customer.apply(form, phone: !confirmsPhone)
        var pending: [CustomerNotifier.Pending] = []
        if confirmsPhone, let newPhone {
            let code = CustomerSecrets.smsCode()
            customer.pendingPhone = newPhone
            customer.pendingPhoneCode = code
            customer.pendingPhoneExpiresAt = Date().addingTimeInterval(CustomerSecrets.smsCodeLifetime)
            pending.append(.phoneConfirmation(to: newPhone, code: code, programName: program.programName))
        }
        if form.posID.isSent { customer.posID = form.posID.newValue }
        if form.sellerID.isSent { customer.sellerID = form.sellerID.newValue }
        try await customers.save(on: tx, customer)
        if before.email != customer.email || before.phone != customer.phone || before.loyaltyCardNumber != customer.loyaltyCardNumber {
            try await CustomerCredentials.updateIdentifiers(
                on: tx, storeID: store.id, customerID: id, email: customer.email, phone: customer.phone, loyaltyCardNumber: customer.loyaltyCardNumber
            )
        }
        try await record(changes, customer: customer, change: change, on: tx)
        if changes.contains(.level), let level = form.levelID.newValue {
            try await mover.apply(.init(level: level, keepsManualFlag: true), to: &customer, manually: true, settings: program, change: change, on: tx)
        }
        return pending
    }

    /// One event per part that changed.
    private func record(_ changes: CustomerChanges, customer: CustomerRecord, change: Change, on tx: some PostgresQueryable) async throws {
        let events: [(CustomerChanges, String, any Encodable & Sendable)] = [
            (.details, CustomerEvent.detailsUpdated, CustomerSnapshot(customer)),
            (.address, CustomerEvent.addressUpdated, AddressUpdated(customerId: customer.id.text, address: customer.address)),
            (.company, CustomerEvent.companyUpdated, CompanyUpdated(customerId: customer.id.text, company: customer.company)),
            (.card, CustomerEvent.cardUpdated, CardUpdated(customerId: customer.id.text, loyaltyCardNumber: customer.loyaltyCardNumber)),
            (.pos, CustomerEvent.posAssigned, PosAssigned(customerId: customer.id.text, posId: customer.posID?.text)),
            (.seller, CustomerEvent.sellerAssigned, SellerAssigned(customerId: customer.id.text, sellerId: customer.sellerID?.text)),
        ]
        var audited = false
        for (part, event, payload) in events where changes.contains(part) {
            try await change.record(
                on: tx, store: customer.storeID, event: event, audit: audited ? nil : "UpdateCustomer", entity: "customer",
                id: customer.id, payload: payload
            )
            audited = true
        }
    }
}

struct AddressUpdated: Encodable, Sendable {
    let customerId: String
    let address: Address?
}

struct CompanyUpdated: Encodable, Sendable {
    let customerId: String
    let company: Company?
}

struct CardUpdated: Encodable, Sendable {
    let customerId: String
    let loyaltyCardNumber: String?
}
