import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The e-mails and SMS the customer lifecycle sends, through the outbox (DESIGN §9). They are sent after
/// the transaction that made the change commits, so a rolled-back change sends nothing.
struct CustomerNotifier: Sendable {
    let outbox: Outbox

    /// A message waiting for its transaction to commit.
    enum Pending: Sendable {
        /// An e-mail already written (from the store's template).
        case mail(OutboxMessage)
        case activationSMS(to: String, code: String, programName: String)
        case phoneConfirmation(to: String, code: String, programName: String)
    }

    /// Sends what the committed change queued. A failing outbox is logged by the caller, never undoes the change.
    func send(_ pending: [Pending]) throws {
        for message in pending { try outbox.send(Self.message(message)) }
    }

    /// The activation e-mail (the store's `registration` template): the activation link and the conditions.
    static func activationEmail(
        to address: String, token: String, store: Store, program: ProgramSettings, on database: some PostgresQueryable
    ) async throws -> Pending {
        let url = "/api/\(store.code)/customer/activate/\(token)"
        let conditions = try await SettingsFilesController.conditionsURL(store: store, program: program, on: database) ?? ""
        let message = try await StoreMail.compose(
            "registration", to: address, data: ["token": token, "url": url, "conditions_file": conditions],
            fallback: ("Account created", "Welcome to \(program.programName)! Activate your account: \(url)"), storeID: store.id, on: database
        )
        return .mail(message)
    }

    static func message(_ pending: Pending) -> OutboxMessage {
        switch pending {
        case let .mail(message):
            return message
        case let .activationSMS(to, code, programName):
            return OutboxMessage(
                channel: .sms, to: to, body: "\(programName): your activation code is \(code)", template: "activation_code",
                data: ["code": code]
            )
        case let .phoneConfirmation(to, code, programName):
            return OutboxMessage(
                channel: .sms, to: to, body: "\(programName): confirm your new phone number with the code \(code)",
                template: "phone_change_code", data: ["code": code]
            )
        }
    }
}

/// Random secrets of the customer lifecycle.
enum CustomerSecrets {
    /// How long an SMS code is valid (the user guide's 30 minutes).
    static let smsCodeLifetime: TimeInterval = 30 * 60

    /// A 40-character lower-case hex token (activation links, invitations).
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// A 6-digit code.
    static func smsCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0...999_999, using: &generator))
    }
}
