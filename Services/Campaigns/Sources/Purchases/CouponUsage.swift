import Foundation
import ServiceKit

/// The rows of CC-05 / CC-06: which bought coupon to mark used or unused.
enum CouponUsage {
    struct Row: Sendable {
        let campaignID: UUID
        let couponID: UUID
        let code: String
        let used: Bool
        let transactionID: UUID?
        let customerID: UUID
    }

    struct Result: Encodable, Sendable {
        let name: String
        let used: Bool
        let campaignId: String
        let customerId: String
    }

    /// Reads `coupons[i][…]`; `customer` is the token's customer on CC-06 (the rows then carry no customer).
    static func rows(_ input: FormValue, customer: UUID?) throws -> [Row] {
        let items = input["coupons"]?.list ?? input["coupons"]?.map?.map { $0.1 } ?? []
        guard !items.isEmpty else { throw refusal("Invalid data provided", customerScoped: customer != nil) }
        return try items.enumerated().map { index, item in
            func id(_ field: String) throws -> UUID {
                guard let text = item[field]?.trimmedText else { throw refusal("Missing data in rows", customerScoped: customer != nil) }
                guard let id = UUID(uuidString: text) else {
                    throw refusal("Invalid value for \(field) in row \(index)", customerScoped: customer != nil)
                }
                return id
            }
            guard let code = item["code"]?.trimmedText else { throw refusal("Missing data in rows", customerScoped: customer != nil) }
            guard let usedValue = item["used"], !usedValue.isBlank else { throw refusal("Field \"used\" is required", customerScoped: customer != nil) }
            guard let used = usedValue.bool else { throw refusal("Invalid value for used in row \(index)", customerScoped: customer != nil) }
            let transaction = try item["transactionId"].flatMap { $0.isBlank ? nil : $0 }.map { _ in try id("transactionId") }
            return Row(
                campaignID: try id("campaignId"), couponID: try id("couponId"), code: code, used: used, transactionID: transaction,
                customerID: try customer ?? id("customerId")
            )
        }
    }

    /// No purchase matches the row.
    static func notFound(row: Int, customerScoped: Bool) -> APIError {
        refusal("No purchase found with given couponId in row \(row)", customerScoped: customerScoped)
    }

    /// The admin's refusals name the problem; the customer's are the documented bare 400 (CC-06, A31).
    private static func refusal(_ message: String, customerScoped: Bool) -> APIError {
        customerScoped ? APIError.badRequest() : APIError.domain(message)
    }
}
