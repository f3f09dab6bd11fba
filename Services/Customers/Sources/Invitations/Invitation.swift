import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// A referral: a customer (the referrer) invited someone (the recipient) who may register with its token.
struct InvitationRecord: Sendable {
    var id: UUID
    var referrerID: UUID
    var referrerEmail: String?
    var referrerName: String
    var recipientID: UUID?
    var recipientEmail: String?
    var recipientPhone: String?
    var recipientName: String?
    var status: String
    var token: String
    var createdAt: Date
}

/// An invitation as C41 shows it; `recipientId` is `""` until the recipient registers.
struct InvitationView: Encodable {
    let invitationId: String
    let referrerId: String
    let referrerEmail: String
    let referrerName: String
    let recipientId: String
    let recipientEmail: String?
    let recipientPhone: String?
    let recipientName: String?
    let status: String
    let token: String

    init(_ invitation: InvitationRecord) {
        invitationId = invitation.id.text
        referrerId = invitation.referrerID.text
        referrerEmail = invitation.referrerEmail ?? ""
        referrerName = invitation.referrerName
        recipientId = invitation.recipientID?.text ?? ""
        recipientEmail = invitation.recipientEmail
        recipientPhone = invitation.recipientPhone
        recipientName = invitation.recipientName
        status = invitation.status
        token = invitation.token
    }
}

/// SQL over `customers.invitations`; every method takes the store first.
struct InvitationRepository: Sendable {
    static let columns = """
        i.id, i.referrer_id, r.email AS referrer_email, concat_ws(' ', r.first_name, r.last_name) AS referrer_name,
        i.recipient_id, i.recipient_email, i.recipient_phone,
        coalesce(i.recipient_name, nullif(concat_ws(' ', t.first_name, t.last_name), '')) AS recipient_name,
        i.status, i.token, i.created_at
        """
    static let from = """
        customers.invitations i
        JOIN customers.customers r ON r.store_id = i.store_id AND r.id = i.referrer_id
        LEFT JOIN customers.customers t ON t.store_id = i.store_id AND t.id = i.recipient_id
        """
    static let sortable = [
        "createdAt": "i.created_at", "status": "i.status", "referrerEmail": "r.email", "recipientEmail": "i.recipient_email",
        "invitationId": "i.id", "referrerName": "referrer_name", "recipientName": "recipient_name",
    ]

    /// A page of invitations matching `condition` (a fragment over `i`, `r`, `t`).
    func list(on database: some PostgresQueryable, storeID: UUID, where condition: SQL, page: Pagination) async throws -> (invitations: [InvitationRecord], total: Int) {
        let scoped: SQL = "i.store_id = \(storeID) AND \(condition)"
        let items = try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE \(scoped) \(page.orderAndLimit(tieBreaker: "i.id"))
            """).map(InvitationRecord.init(row:))
        let total = try await database.query("SELECT count(*) FROM \(unsafeRaw: Self.from) WHERE \(scoped)").scalar(Int.self)
        return (items, total)
    }

    /// The open invitation with this token, locked.
    func open(on database: some PostgresQueryable, storeID: UUID, token: String) async throws -> InvitationRecord? {
        try await database.query("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from)
            WHERE i.store_id = \(storeID) AND i.token = \(token) AND i.recipient_id IS NULL AND i.status = 'invited'
            FOR UPDATE OF i
            """).firstRow.map(InvitationRecord.init(row:))
    }

    func insert(on database: some PostgresQueryable, storeID: UUID, _ invitation: InvitationRecord) async throws {
        try await database.execute("""
            INSERT INTO customers.invitations (store_id, id, referrer_id, recipient_email, recipient_phone, recipient_name, status, token, created_at)
            VALUES (\(storeID), \(invitation.id), \(invitation.referrerID), \(invitation.recipientEmail), \(invitation.recipientPhone),
                    \(invitation.recipientName), \(invitation.status), \(invitation.token), \(invitation.createdAt))
            """)
    }

    /// Records the registered recipient.
    func attach(on database: some PostgresQueryable, storeID: UUID, id: UUID, recipient: UUID) async throws {
        try await database.execute("""
            UPDATE customers.invitations SET recipient_id = \(recipient), status = 'registered', updated_at = now()
            WHERE store_id = \(storeID) AND id = \(id)
            """)
    }

    /// The recipient made a purchase.
    func markPurchase(on database: some PostgresQueryable, storeID: UUID, recipient: UUID) async throws -> [UUID] {
        try await database.query("""
            UPDATE customers.invitations SET status = 'made_purchase', updated_at = now()
            WHERE store_id = \(storeID) AND recipient_id = \(recipient) AND status = 'registered' RETURNING id
            """).map { try $0.decode(UUID.self, "id") }
    }

    /// `{total, totalCompleted, totalRegistered}` of EP-11.
    func counts(on database: some PostgresQueryable, storeID: UUID) async throws -> (total: Int, completed: Int, registered: Int) {
        let row = try await database.query("""
            SELECT count(*) AS total, count(*) FILTER (WHERE status = 'made_purchase') AS completed,
                   count(*) FILTER (WHERE status IN ('registered', 'made_purchase')) AS registered
            FROM customers.invitations WHERE store_id = \(storeID)
            """).firstRow
        guard let row else { return (0, 0, 0) }
        return (try row.decode(Int.self, "total"), try row.decode(Int.self, "completed"), try row.decode(Int.self, "registered"))
    }
}

extension InvitationRecord {
    init(row: PostgresRow) throws {
        id = try row.decode(UUID.self, "id")
        referrerID = try row.decode(UUID.self, "referrer_id")
        referrerEmail = try row.decode(String?.self, "referrer_email")
        referrerName = try row.decode(String.self, "referrer_name")
        recipientID = try row.decode(UUID?.self, "recipient_id")
        recipientEmail = try row.decode(String?.self, "recipient_email")
        recipientPhone = try row.decode(String?.self, "recipient_phone")
        recipientName = try row.decode(String?.self, "recipient_name")
        status = try row.decode(String.self, "status")
        token = try row.decode(String.self, "token")
        createdAt = try row.decode(Date.self, "created_at")
    }
}
