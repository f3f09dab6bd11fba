import Auth
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Registers customers (C11, C33, C36, X-02, platform upsert, import): the form checks that need the
/// database, the customer row, its credentials through the auth library, the start level, POS, seller and
/// invitation, and every event — one transaction, so a refused registration leaves nothing behind.
struct CustomerRegistration: Sendable {
    /// Who registers, which decides the status and what else is assigned.
    enum Channel: Sendable {
        /// An admin (or the master key): active at once.
        case admin
        /// A seller: the seller and its POS are assigned; active unless activation is by SMS.
        case seller(UUID)
        /// The customer: new until activated by the e-mail link or the SMS code.
        case selfService
        /// The shop platform: active at once, known by its external id.
        case platform(externalID: String)
        /// An XML import row: `active` decides the status; an inactive record gets its activation e-mail only
        /// when `sendActivationMail` asks for it (decision customers C35).
        case importFile(active: Bool, sendActivationMail: Bool)

        /// Whether a customer registered inactive through this channel is sent an activation message.
        var sendsActivation: Bool {
            if case .importFile(_, let sendActivationMail) = self { return sendActivationMail }
            return true
        }

        /// An import asks for an activation *e-mail* whatever the store's activation method.
        var activatesByMail: Bool {
            if case .importFile = self { return true }
            return false
        }
    }

    let customers = CustomerRepository()
    let references = CustomerReferences()
    let invitations = InvitationRepository()
    let sellers = SellerRepository()
    let settings = SettingsRepository()
    let mover = LevelMover()
    let notifier: CustomerNotifier
    let logger: Logger

    /// Registers the customer and sends the activation message, if any, once committed.
    func register(_ form: CustomerForm, store: Store, channel: Channel, change: Change, pool: PostgresPool) async throws -> CustomerRecord {
        let hash: PasswordHash? = if let password = form.plainPassword { await PasswordHash(hashing: password) } else { nil }
        let (customer, pending) = try await CustomerIdentifiers.reportingDuplicates(schema: form.schema) {
            try await pool.transaction { tx in
                try await register(form, store: store, channel: channel, password: hash, change: change, on: tx)
            }
        }
        do { try notifier.send(pending) } catch { logger.error("outbox failed for customer \(customer.id): \(error)") }
        return customer
    }

    /// The registration inside the caller's transaction; returns the customer and the messages to send after commit.
    func register(
        _ form: CustomerForm, store: Store, channel: Channel, password: PasswordHash?, change: Change, on tx: PostgresSession
    ) async throws -> (CustomerRecord, [CustomerNotifier.Pending]) {
        let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
        var errors = form.errors
        try await references.check(form, customer: nil, phone: form.phone.newValue, storeID: store.id, errors: &errors, on: tx)
        let invitation = try await openInvitation(form, storeID: store.id, errors: &errors, on: tx)
        let status = initialStatus(channel, program: program)
        if status == .new, channel.sendsActivation, !channel.activatesByMail, program.activationMethod == "sms", form.phone.newValue == nil,
           errors.messages(at: "phone").isEmpty {
            errors.add(FormMessage.notBlank, at: "phone")
        }
        guard errors.isEmpty else { throw errors }

        var customer = CustomerRecord(storeID: store.id, id: UUID(), createdAt: form.createdAt ?? Date())
        customer.apply(form)
        customer.status = status
        try await assign(form, channel: channel, to: &customer, on: tx)
        try await placeOnStartLevel(&customer, form: form, program: program, on: tx)
        try await customers.insert(on: tx, customer)
        try await CustomerCredentials.register(
            on: tx, storeID: store.id, customerID: customer.id, email: customer.email, phone: customer.phone,
            loyaltyCardNumber: customer.loyaltyCardNumber, password: password, active: status == .active
        )
        try await recordRegistration(customer, form: form, program: program, change: change, on: tx)
        if let invitation { try await attach(customer, to: invitation, change: change, on: tx) }
        let pending = try await activationMessages(&customer, channel: channel, store: store, program: program, on: tx)
        return (try await customers.find(on: tx, storeID: store.id, id: customer.id) ?? customer, pending)
    }

    private func initialStatus(_ channel: Channel, program: ProgramSettings) -> CustomerStatus {
        switch channel {
        case .admin, .platform: .active
        case .seller: program.activationMethod == "sms" ? .new : .active
        case .selfService: .new
        case .importFile(let active, _): active ? .active : .new
        }
    }

    /// Platform id, seller and POS (a seller's own by default); the level is set by `recordRegistration`.
    private func assign(_ form: CustomerForm, channel: Channel, to customer: inout CustomerRecord, on tx: some PostgresQueryable) async throws {
        customer.posID = form.posID.newValue
        customer.sellerID = form.sellerID.newValue
        switch channel {
        case .seller(let sellerID):
            customer.sellerID = try await sellers.exists(on: tx, storeID: customer.storeID, id: sellerID) ? sellerID : nil
            if customer.posID == nil, let seller = try await sellers.find(on: tx, storeID: customer.storeID, id: sellerID) {
                customer.posID = seller.posID
            }
        case .platform(let externalID):
            customer.externalID = externalID
        default:
            break
        }
    }

    /// The level sent (a manual level), or the start level `L(0)` when there is one (decision extensions §1.5:
    /// a store without a start level registers customers without a level).
    private func placeOnStartLevel(_ customer: inout CustomerRecord, form: CustomerForm, program: ProgramSettings, on tx: some PostgresQueryable) async throws {
        if let level = form.levelID.newValue {
            customer.levelID = level
            customer.manualLevelID = level
        } else {
            let assignment = LevelAssignment(levels: try await mover.levels.thresholds(on: tx, storeID: customer.storeID), settings: program)
            customer.levelID = assignment.startLevel?.id
        }
        if customer.levelID != nil { customer.lastLevelRecalculation = customer.createdAt }
    }

    /// The events of a new customer: registered, activated, its level (manual or the start level), POS, seller.
    private func recordRegistration(
        _ customer: CustomerRecord, form: CustomerForm, program: ProgramSettings, change: Change, on tx: some PostgresQueryable
    ) async throws {
        try await change.record(
            on: tx, store: customer.storeID, event: CustomerEvent.registered, audit: "RegisterCustomer", entity: "customer",
            id: customer.id, payload: CustomerSnapshot(customer)
        )
        if customer.status == .active {
            try await change.record(
                on: tx, store: customer.storeID, event: CustomerEvent.activated, entity: "customer", id: customer.id,
                payload: CustomerRef(customerId: customer.id.text)
            )
        }
        if customer.levelID != nil {
            let manually = customer.manualLevelID != nil
            try await mover.record(customer, from: nil, manually: manually, change: manually ? change : .system, on: tx)
        }
        if let pos = customer.posID {
            try await change.record(
                on: tx, store: customer.storeID, event: CustomerEvent.posAssigned, entity: "customer", id: customer.id,
                payload: PosAssigned(customerId: customer.id.text, posId: pos.text)
            )
        }
        if let seller = customer.sellerID {
            try await change.record(
                on: tx, store: customer.storeID, event: CustomerEvent.sellerAssigned, entity: "customer", id: customer.id,
                payload: SellerAssigned(customerId: customer.id.text, sellerId: seller.text)
            )
        }
    }

    /// The open invitation of `invitationToken`; an unknown or used token is a form error.
    private func openInvitation(_ form: CustomerForm, storeID: UUID, errors: inout FormErrors, on tx: some PostgresQueryable) async throws -> InvitationRecord? {
        guard let token = form.invitationToken else { return nil }
        guard let invitation = try await invitations.open(on: tx, storeID: storeID, token: token) else {
            errors.add(FormMessage.invalid, at: "invitationToken")
            return nil
        }
        return invitation
    }

    private func attach(_ customer: CustomerRecord, to invitation: InvitationRecord, change: Change, on tx: some PostgresQueryable) async throws {
        try await invitations.attach(on: tx, storeID: customer.storeID, id: invitation.id, recipient: customer.id)
        try await change.record(
            on: tx, store: customer.storeID, event: CustomerEvent.attachedToInvitation, entity: "customer", id: customer.id,
            payload: AttachedToInvitation(customerId: customer.id.text, invitationId: invitation.id.text, referrerId: invitation.referrerID.text)
        )
    }

    /// A new customer waiting for activation gets a token by e-mail or a code by SMS, per the settings (an import:
    /// an e-mail, and only when the record asks for it).
    private func activationMessages(
        _ customer: inout CustomerRecord, channel: Channel, store: Store, program: ProgramSettings, on tx: some PostgresQueryable
    ) async throws -> [CustomerNotifier.Pending] {
        guard customer.status == .new, channel.sendsActivation else { return [] }
        if program.activationMethod == "sms", !channel.activatesByMail, let phone = customer.phone {
            let code = CustomerSecrets.smsCode()
            customer.smsCode = code
            customer.smsCodeExpiresAt = Date().addingTimeInterval(CustomerSecrets.smsCodeLifetime)
            try await tx.execute("""
                UPDATE customers.customers SET sms_code = \(code), sms_code_expires_at = \(customer.smsCodeExpiresAt)
                WHERE store_id = \(customer.storeID) AND id = \(customer.id)
                """)
            return [.activationSMS(to: phone, code: code, programName: program.programName)]
        }
        let token = CustomerSecrets.token()
        customer.activationToken = token
        try await tx.execute("""
            UPDATE customers.customers SET activation_token = \(token) WHERE store_id = \(customer.storeID) AND id = \(customer.id)
            """)
        guard let email = customer.email else { return [] }
        return [try await CustomerNotifier.activationEmail(to: email, token: token, store: store, program: program, on: tx)]
    }
}
