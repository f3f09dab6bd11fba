import Foundation
import Postgres
import ServiceKit

/// The e-mails a store sends, written from its own templates (EM-01…EM-03, extensions §5.5): the stored
/// subject and content of the template's key with every `{{ variable }}` filled in; the built-in text when the
/// store has no stored template of that key.
enum StoreMail {
    /// The message for `key`; `fallback` is the subject and body used without a stored template.
    static func compose(
        _ key: String, to address: String, data: [String: String], fallback: (subject: String, body: String), storeID: UUID,
        on database: some PostgresQueryable
    ) async throws -> OutboxMessage {
        let template = try await database.query("""
            SELECT subject, content FROM customers.email_templates WHERE store_id = \(storeID) AND key = \(key)
            """).firstRow
        let subject = try template.map { render(try $0.decode(String.self, "subject"), data) } ?? fallback.subject
        let body = try template.map { render(try $0.decode(String.self, "content"), data) } ?? fallback.body
        return OutboxMessage(channel: .mail, to: address, subject: subject, body: body, template: key, data: data)
    }

    /// Replaces `{{ name }}` (spaces optional) by the variable's value.
    static func render(_ text: String, _ data: [String: String]) -> String {
        data.reduce(text) { text, variable in
            ["{{ \(variable.key) }}", "{{\(variable.key)}}"].reduce(text) { $0.replacingOccurrences(of: $1, with: variable.value) }
        }
    }
}
