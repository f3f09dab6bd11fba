import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import ServiceKit

/// E-mail templates of a store (EM-01…EM-03, extensions §5.5). Every store starts with the eight templates of
/// the upstream program (created on first read); they can be edited, not added or removed.
struct EmailTemplateController {
    struct Template {
        let key: String
        let subject: String
        let variables: [String]
    }

    static let templates = [
        Template(key: "registration", subject: "Account created", variables: ["url", "conditions_file"]),
        Template(key: "registration_with_temporary_password", subject: "Account created", variables: [
            "program_name", "email", "loyalty_card_number", "phone", "password", "customer_panel_url", "conditions_file",
        ]),
        Template(key: "password_reset", subject: "Password reset requested", variables: ["program_name", "url_reset_password"]),
        Template(key: "customer_reward_bought", subject: "{{ program_name }} - new reward", variables: [
            "program_name", "reward_name", "reward_code", "reward_instructions", "ecommerce_address",
        ]),
        Template(key: "new_points", subject: "{{ program_name }} - new points", variables: [
            "program_name", "added_points_amount", "active_points_amount", "ecommerce_address",
        ]),
        Template(key: "new_level", subject: "{{ program_name }} - new level", variables: ["program_name", "level_name", "level_discount", "ecommerce_address"]),
        Template(key: "invitation", subject: "Invitation", variables: ["referrerName", "url"]),
        Template(key: "reward_redeemed", subject: "Reward Redeemed", variables: [
            "coupon_code", "customer_name", "customer_last_name", "customer_phone_number", "customer_email", "reward_name", "reward_description",
            "customer_street", "customer_state", "customer_country", "customer_address1", "customer_address2", "customer_city", "customer_postal",
        ]),
    ]
    static let schema: FormSchema = ["key", "subject", "content", "sender_name", "sender_email", "receiver_email"]
    static let tooLong = "This value is too long. It should have 255 characters or less."

    struct Email: Encodable {
        let id: String
        let key: String
        let subject: String
        let content: String
        let sender_name: String
        let sender_email: String
        let receiver_email: String?
        let updatedAt: String

        init(row: PostgresRow) throws {
            id = try row.decode(UUID.self, "id").text
            key = try row.decode(String.self, "key")
            subject = try row.decode(String.self, "subject")
            content = try row.decode(String.self, "content")
            sender_name = try row.decode(String.self, "sender_name")
            sender_email = try row.decode(String.self, "sender_email")
            receiver_email = try row.decode(String?.self, "receiver_email")
            updatedAt = Timestamps.compact(try row.decode(Date.self, "updated_at"))
        }
    }

    struct Preview: Encodable {
        struct Additional: Encodable {
            let variables: [String]
            let preview: String
        }

        let entity: Email
        let additional: Additional
    }

    let settings = SettingsRepository()

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.get("settings/emails", use: list)
        routes.get("settings/emails/{emailId}", use: get)
        routes.put("settings/emails/{emailId}", use: update)
        return routes
    }

    /// EM-01: `{"emails":[…],"total":N}`.
    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .view)
        try await ensureDefaults(context)
        let emails = try await context.runtime.pool.query("""
            SELECT * FROM customers.email_templates WHERE store_id = \(context.store.id) ORDER BY key
            """).map(Email.init(row:))
        return try Response.json(ListEnvelope("emails", items: emails, total: emails.count))
    }

    /// EM-02: the template with its variables and a preview (each variable replaced by its name); an unknown id is
    /// `400` with an empty body, as upstream.
    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .view)
        try await ensureDefaults(context)
        guard let id = context.parameters.get("emailId").flatMap(UUID.init(uuidString:)),
              let email = try await context.runtime.pool.query("""
                  SELECT * FROM customers.email_templates WHERE store_id = \(context.store.id) AND id = \(id)
                  """).firstRow.map(Email.init(row:))
        else { throw APIError(status: .badRequest, body: Array("{}".utf8)) }
        let variables = Self.templates.first { $0.key == email.key }?.variables ?? []
        let preview = StoreMail.render(email.content, Dictionary(uniqueKeysWithValues: variables.map { ($0, $0) }))
        return try Response.json(Preview(entity: email, additional: .init(variables: variables, preview: preview)))
    }

    /// EM-03: `email[key, subject, content, sender_name, sender_email, receiver_email]` → `{"id":…}`.
    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.settings, .modify)
        try await ensureDefaults(context)
        let id = try context.uuidParameter("emailId")
        let input = try await context.input(from: request)
        guard let form = input["email"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        let storeID = context.store.id, change = context.change
        try await context.runtime.pool.transaction { tx in
            let current = try await tx.query("""
                SELECT * FROM customers.email_templates WHERE store_id = \(storeID) AND id = \(id) FOR UPDATE
                """).firstRow.map(Email.init(row:)).orThrow(APIError.notFound)
            var errors = FormErrors(schema: Self.schema)
            func text(_ field: String, required: Bool, limit: Int? = nil) -> String? {
                let value = form[field]?.string?.trimmedWhitespace
                guard let value, !value.isEmpty else {
                    if required { errors.add(FormMessage.notBlank, at: field) }
                    return nil
                }
                if let limit, value.count > limit { errors.add(Self.tooLong, at: field) }
                return value
            }
            let key = text("key", required: true, limit: 255)
            if let key, key != current.key { errors.add(FormMessage.invalid, at: "key") }
            let subject = text("subject", required: true, limit: 255)
            let content = text("content", required: true)
            let senderName = text("sender_name", required: true)
            let senderEmail = text("sender_email", required: true)
            if let senderEmail, !FormCheck.isEmail(senderEmail) { errors.add(FormMessage.invalidEmail, at: "sender_email") }
            let receiver = text("receiver_email", required: current.key == "reward_redeemed")
            if let receiver, !FormCheck.isEmail(receiver) { errors.add(FormMessage.invalidEmail, at: "receiver_email") }
            guard errors.isEmpty else { throw errors }
            try await tx.execute("""
                UPDATE customers.email_templates SET subject = \(subject ?? ""), content = \(content ?? ""), sender_name = \(senderName ?? ""),
                    sender_email = \(senderEmail ?? ""), receiver_email = \(receiver), updated_at = now()
                WHERE store_id = \(storeID) AND id = \(id)
                """)
            try await change.record(on: tx, store: storeID, event: "EmailTemplateWasUpdated", audit: "ChangeSettings", entity: "settings",
                                    id: storeID, payload: ["id": id.text, "key": current.key])
        }
        return try Response.json(["id": id.text])
    }

    /// Creates the store's missing templates: the documented subjects, the program name as sender, and a body
    /// that lists the template's variables.
    private func ensureDefaults(_ context: StoreContext) async throws {
        let pool = context.runtime.pool, storeID = context.store.id
        let count = try await pool.query("SELECT count(*) FROM customers.email_templates WHERE store_id = \(storeID)").scalar(Int.self)
        guard count < Self.templates.count else { return }
        let program = try await settings.load(on: pool, storeID: storeID, currency: context.store.currency)
        let sender = program.text("helpEmailAddress") ?? "noreply@\(context.store.code.lowercased()).loyalty.invalid"
        for template in Self.templates {
            let content = template.variables.map { "<p>\($0): {{ \($0) }}</p>" }.joined(separator: "\n")
            try await pool.execute("""
                INSERT INTO customers.email_templates (store_id, id, key, subject, content, sender_name, sender_email)
                VALUES (\(storeID), \(UUID()), \(template.key), \(template.subject), \(content), \(program.programName), \(sender))
                ON CONFLICT (store_id, key) DO NOTHING
                """)
        }
    }
}
