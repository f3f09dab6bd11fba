import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Activation, deactivation, anonymization and deletion of customers: the customer row, its credentials
/// through the auth library and the event, in one transaction.
struct CustomerLifecycle: Sendable {
    let customers = CustomerRepository()
    let settings = SettingsRepository()
    let notifier: CustomerNotifier
    let logger: Logger

    /// Activates (C01, C31): status `active`, the customer may log in. Activating an active customer is a no-op.
    func activate(_ id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            var customer = try await locked(id, store: store, on: tx)
            try await activate(&customer, change: change, on: tx)
        }
    }

    /// Activates a customer already locked in the caller's transaction.
    func activate(_ customer: inout CustomerRecord, change: Change, on tx: some PostgresQueryable) async throws {
        guard customer.status != .active else { return }
        customer.status = .active
        customer.activationToken = nil
        customer.smsCode = nil
        customer.smsCodeExpiresAt = nil
        try await customers.save(on: tx, customer)
        try await CustomerCredentials.activate(on: tx, storeID: customer.storeID, customerID: customer.id)
        try await change.record(
            on: tx, store: customer.storeID, event: CustomerEvent.activated, audit: "ActivateCustomer", entity: "customer",
            id: customer.id, payload: CustomerRef(customerId: customer.id.text)
        )
    }

    /// Deactivates (C02, C32): status `blocked`; the customer can no longer log in and its tokens stop working.
    func deactivate(_ id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            var customer = try await locked(id, store: store, on: tx)
            guard customer.status != .blocked else { return }
            customer.status = .blocked
            try await customers.save(on: tx, customer)
            try await CustomerCredentials.deactivate(on: tx, storeID: store.id, customerID: id)
            try await change.record(
                on: tx, store: store.id, event: CustomerEvent.deactivated, audit: "DeactivateCustomer", entity: "customer", id: id,
                payload: CustomerRef(customerId: id.text)
            )
        }
    }

    /// Activates the new customer holding this e-mail token (C08); the token works once.
    func activate(token: String, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            guard var customer = try await customers.first(on: tx, storeID: store.id, where: "c.activation_token = \(token)", lock: true),
                  customer.status == .new
            else { throw APIError.domain("bad_token", status: .notFound) }
            try await activate(&customer, change: change, on: tx)
        }
    }

    /// Activates the new customer holding this unexpired SMS code (C07); the code works once.
    func activate(smsCode: String, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            guard var customer = try await customers.first(
                on: tx, storeID: store.id, where: "c.sms_code = \(smsCode) AND c.sms_code_expires_at > now() AND c.status = 'new'", lock: true
            ) else { throw APIError.domain("bad_token", status: .notFound) }
            try await activate(&customer, change: change, on: tx)
        }
    }

    /// Sends a new SMS activation code to a new customer (C27, C29); a customer that is not new is left alone.
    func sendActivationCode(_ id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        let pending = try await pool.transaction { tx -> [CustomerNotifier.Pending] in
            let customer = try await locked(id, store: store, on: tx)
            guard customer.status == .new else { return [] }
            guard let phone = customer.phone else { throw APIError.domain("Customer has no phone number") }
            return try await issueCode(customer, phone: phone, store: store, change: change, on: tx)
        }
        send(pending)
    }

    /// Re-sends the activation code to the new customer with this phone (C28): `phone` from the body, or
    /// the calling customer's own; 400 when there is no such customer.
    func resendActivationCode(phone: String?, caller: UUID?, store: Store, change: Change, pool: PostgresPool) async throws {
        let pending = try await pool.transaction { tx -> [CustomerNotifier.Pending] in
            let condition: SQL = if let phone { "c.phone = \(phone)" } else { "c.id = \(caller)" }
            guard let customer = try await customers.first(on: tx, storeID: store.id, where: "\(condition) AND c.status = 'new'", lock: true),
                  let number = customer.phone
            else { throw APIError.badRequest("No customer waiting for activation has this phone number") }
            return try await issueCode(customer, phone: number, store: store, change: change, on: tx)
        }
        send(pending)
    }

    private func issueCode(
        _ customer: CustomerRecord, phone: String, store: Store, change: Change, on tx: some PostgresQueryable
    ) async throws -> [CustomerNotifier.Pending] {
        let code = CustomerSecrets.smsCode()
        try await change.record(
            on: tx, store: store.id, event: "CustomerActivationCodeWasSent", entity: "customer", id: customer.id,
            payload: CustomerRef(customerId: customer.id.text)
        )
        try await tx.execute("""
            UPDATE customers.customers SET sms_code = \(code), sms_code_expires_at = \(Date().addingTimeInterval(CustomerSecrets.smsCodeLifetime))
            WHERE store_id = \(store.id) AND id = \(customer.id)
            """)
        let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
        return [.activationSMS(to: phone, code: code, programName: program.programName)]
    }

    /// Confirms a phone change with the code sent to the new number (C14).
    func confirmPhoneChange(code: String, customer id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await CustomerIdentifiers.reportingDuplicates(schema: CustomerForm.updateSchema) {
            try await pool.transaction { tx in
                var customer = try await locked(id, store: store, on: tx)
                guard let phone = customer.pendingPhone, customer.pendingPhoneCode == code,
                      (customer.pendingPhoneExpiresAt ?? .distantPast) > Date()
                else { throw APIError.domain("bad_token", status: .notFound) }
                customer.phone = phone
                customer.pendingPhone = nil
                customer.pendingPhoneCode = nil
                customer.pendingPhoneExpiresAt = nil
                try await customers.save(on: tx, customer)
                try await CustomerCredentials.updateIdentifiers(
                    on: tx, storeID: store.id, customerID: id, email: customer.email, phone: phone, loyaltyCardNumber: customer.loyaltyCardNumber
                )
                try await change.record(
                    on: tx, store: store.id, event: CustomerEvent.detailsUpdated, entity: "customer", id: id, payload: CustomerSnapshot(customer)
                )
            }
        }
    }

    /// Anonymizes (C09): personal data replaced for good, credentials forgotten; the id, level, POS and the
    /// ledger's history stay (decision customers A10).
    func anonymize(_ id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            var customer = try await locked(id, store: store, on: tx)
            customer.firstName = "Anonymous"
            customer.lastName = "Anonymous"
            customer.email = "anonymous-\(id.text)@anonymized.invalid"
            customer.phone = nil
            customer.gender = nil
            customer.birthDate = nil
            customer.birthdayDay = nil
            customer.birthdayMonth = nil
            customer.address = nil
            customer.company = nil
            customer.loyaltyCardNumber = nil
            customer.labels = []
            customer.pushyTokens = []
            customer.activationToken = nil
            customer.smsCode = nil
            customer.pendingPhone = nil
            customer.pendingPhoneCode = nil
            customer.externalID = nil
            if customer.status == .active || customer.status == .new { customer.status = .blocked }
            try await customers.save(on: tx, customer)
            try await tx.execute("DELETE FROM customers.files WHERE store_id = \(store.id) AND kind = 'avatar' AND owner = \(id.text)")
            try await CustomerCredentials.anonymize(on: tx, storeID: store.id, customerID: id)
            try await change.record(
                on: tx, store: store.id, event: CustomerEvent.anonymized, audit: "AnonymizeCustomer", entity: "customer", id: id,
                payload: CustomerRef(customerId: id.text)
            )
        }
    }

    /// Deletes (C37): the customer disappears from every endpoint and cannot log in; the row stays as a
    /// tombstone because the ledger's history refers to it.
    func delete(_ id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            _ = try await locked(id, store: store, on: tx)
            try await customers.markDeleted(on: tx, storeID: store.id, id: id)
            try await tx.execute("DELETE FROM customers.segment_members WHERE store_id = \(store.id) AND customer_id = \(id)")
            try await tx.execute("DELETE FROM customers.files WHERE store_id = \(store.id) AND kind = 'avatar' AND owner = \(id.text)")
            try await CustomerCredentials.delete(on: tx, storeID: store.id, customerID: id)
            try await change.record(
                on: tx, store: store.id, event: CustomerEvent.deleted, audit: "DeleteCustomer", entity: "customer", id: id,
                payload: CustomerRef(customerId: id.text)
            )
        }
    }

    /// The live customer, locked; 404 when unknown in this store.
    func locked(_ id: UUID, store: Store, on tx: some PostgresQueryable) async throws -> CustomerRecord {
        try await customers.find(on: tx, storeID: store.id, id: id, lock: true).orThrow(APIError.notFound)
    }

    private func send(_ pending: [CustomerNotifier.Pending]) {
        do { try notifier.send(pending) } catch { logger.error("outbox failed: \(error)") }
    }
}
