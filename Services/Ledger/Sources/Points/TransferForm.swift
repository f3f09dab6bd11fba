import Foundation
import Postgres
import ServiceKit

/// The `transfer[...]` forms of the points-transfer endpoints (ledger §1.2).
enum TransferForm {
    static let greaterThanZero = "This value should be greater than 0."
    static let customerNotFound = "Customer does not exist."

    static let manualSchema: FormSchema = ["customer", "points", "comment"]
    static let p2pSchema: FormSchema = ["sender", "receiver", "points"]
    static let customerP2PSchema: FormSchema = ["receiver", "points"]

    struct Manual {
        let customerID: UUID
        let points: Amount
        let comment: String?
    }

    /// add / spend / block: `transfer[customer]`, `transfer[points]`, `transfer[comment]`.
    static func manual(_ input: FormValue) throws -> Manual {
        guard let form = input["transfer"], form.map != nil else { throw FormErrors(schema: manualSchema) }
        var errors = FormErrors(schema: manualSchema)
        let customer = form["customer"]?.trimmedText
        let id = customer.flatMap(UUID.init(uuidString:))
        if customer == nil { errors.add(FormMessage.notBlank, at: "customer") } else if id == nil { errors.add(FormMessage.invalid, at: "customer") }
        let points = self.points(form["points"], errors: &errors)
        guard errors.isEmpty, let id, let points else { throw errors }
        return Manual(customerID: id, points: points, comment: form["comment"]?.trimmedText)
    }

    /// A positive amount with at most two decimals.
    static func points(_ value: FormValue?, errors: inout FormErrors, at field: String = "points") -> Amount? {
        guard let value, !value.isBlank else {
            errors.add(FormMessage.notBlank, at: field)
            return nil
        }
        guard let amount = value.amount else {
            errors.add(FormMessage.invalid, at: field)
            return nil
        }
        guard amount.isPositive else {
            errors.add(greaterThanZero, at: field)
            return nil
        }
        return amount
    }
}
