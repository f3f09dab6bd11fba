import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Postgres
import ServiceKit

/// C35: `POST /api/{storeCode}/admin/customer/import` with an XML file in `file[file]`
/// (`<customers><customer>…</customer>…</customers>`). Each record is registered in its own transaction with
/// the admin registration rules, so one bad record does not stop the others (decision customers C35).
struct CustomerImportController {
    struct Item: Encodable {
        struct Result: Encodable {
            let object: String
        }

        let status: String
        let processImportResult: Result?
        let message: String?
        let identifier: String
    }

    struct Report: Encodable {
        let items: [Item]
        let totalProcessed: Int
        let totalSuccess: Int
        let totalFailed: Int
    }

    let registration: CustomerRegistration

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("admin/customer/import", use: importFile)
        return routes
    }

    @Sendable func importFile(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        let input = try await context.input(from: request)
        guard let file = input.value(at: "file", "file")?.file, !file.data.isEmpty else {
            var errors = FormErrors(schema: ["file"])
            errors.add(FormMessage.notBlank, at: "file")
            throw errors
        }
        let root: XMLElement
        do {
            root = try XMLTree.parse(file.data)
        } catch {
            var errors = FormErrors(schema: ["file"])
            errors.add("The file is not a valid XML document: \(error)", at: "file")
            throw errors
        }
        var items: [Item] = []
        for record in root.children where record.name == "customer" {
            items.append(await importRecord(record, context: context))
        }
        let success = items.filter { $0.status == "success" }.count
        return try Response.json(Report(items: items, totalProcessed: items.count, totalSuccess: success, totalFailed: items.count - success))
    }

    private func importRecord(_ record: XMLElement, context: StoreContext) async -> Item {
        let identifier = record["email"]?.value ?? ""
        do {
            let (form, flags) = try Self.form(record)
            let channel = CustomerRegistration.Channel.importFile(active: flags.active, sendActivationMail: flags.sendActivationMail)
            let customer = try await registration.register(
                form, store: context.store, channel: channel, change: context.change, pool: context.runtime.pool
            )
            return Item(status: "success", processImportResult: .init(object: customer.id.text), message: nil, identifier: identifier)
        } catch let error as ConvertError {
            return Item(status: "error", processImportResult: nil, message: "Convert exception: \(error.message)", identifier: identifier)
        } catch let errors as FormErrors {
            return Item(status: "error", processImportResult: nil, message: Self.describe(errors, form: errors.schema), identifier: identifier)
        } catch let error as APIError {
            return Item(status: "error", processImportResult: nil, message: String(decoding: error.body, as: UTF8.self), identifier: identifier)
        } catch {
            context.runtime.logger.error("import of \(identifier) failed: \(error)")
            return Item(status: "error", processImportResult: nil, message: "The record could not be imported.", identifier: identifier)
        }
    }

    struct ConvertError: Error {
        let message: String
    }

    static let required = ["email", "firstName", "lastName", "active", "agreement1", "gender"]

    /// How one record starts: active at once, or new with (or without) its activation e-mail.
    struct StartFlags {
        let active: Bool
        let sendActivationMail: Bool
    }

    /// The registration form of one `<customer>` record and how it starts.
    static func form(_ record: XMLElement) throws -> (CustomerForm, StartFlags) {
        for node in required where record[node] == nil { throw ConvertError(message: "\(node) is required node") }
        guard let gender = record["gender"]?.value, ["male", "female"].contains(gender) else {
            throw ConvertError(message: "gender has invalid value (male or female required)")
        }
        if let birth = record["birthDate"]?.value, LocalDate(birth) == nil || birth.count != 10 {
            throw ConvertError(message: "birthDate has invalid date format (Y-m-d required)")
        }
        guard let active = FormValue.string(record["active"]?.value ?? "").bool else { throw ConvertError(message: "active has invalid value") }
        let sendActivationMail = try record["sendActivationMail"].map { node in
            guard let value = FormValue.string(node.value ?? "").bool else { throw ConvertError(message: "sendActivationMail has invalid value") }
            return value
        } ?? false
        var customer = FormMap()
        for field in ["email", "firstName", "lastName", "birthDate", "loyaltyCardNumber", "phone", "levelId", "posId", "sellerId",
                      "agreement1", "agreement2", "agreement3"] {
            if let value = record[field]?.value { customer[field] = .string(value) }
        }
        customer["gender"] = .string(gender)
        if let address = record["address"] {
            customer["address"] = .map(FormMap(Address.fields.compactMap { field in address[field]?.value.map { (field, FormValue.string($0)) } }))
        }
        if let company = record["company"] {
            customer["company"] = .map(FormMap(["name", "nip"].compactMap { field in company[field]?.value.map { (field, FormValue.string($0)) } }))
        }
        if let labels = record["labels"] {
            customer["labels"] = .list(labels.children.compactMap { label in
                label["key"]?.value.map { .map(["key": .string($0), "value": .string(label["value"]?.value ?? "")]) }
            })
        }
        let form = try CustomerForm(.map(["customer": .map(customer)]), kind: .admin)
        return (form, StartFlags(active: active, sendActivationMail: sendActivationMail))
    }

    /// `field: message; …` of a refused record, read from the rendered form errors.
    static func describe(_ errors: FormErrors, form schema: FormSchema) -> String {
        var parts: [String] = []
        func walk(_ node: [String: Any], path: [String]) {
            for message in node["errors"] as? [String] ?? [] {
                parts.append(path.isEmpty ? message : "\(path.joined(separator: ".")): \(message)")
            }
            for field in schemaOrder(node["children"] as? [String: Any]) {
                walk((node["children"] as? [String: Any])?[field] as? [String: Any] ?? [:], path: path + [field])
            }
        }
        func schemaOrder(_ children: [String: Any]?) -> [String] { (children ?? [:]).keys.sorted() }
        let object = (try? JSONSerialization.jsonObject(with: Data(errors.renderJSON()))) as? [String: Any] ?? [:]
        walk(object["form"] as? [String: Any] ?? [:], path: [])
        for message in object["errors"] as? [String] ?? [] { parts.append(message) }
        return parts.isEmpty ? "The record is invalid." : parts.joined(separator: "; ")
    }
}
