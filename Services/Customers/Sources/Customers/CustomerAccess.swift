import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Who may act on which customer.
enum CustomerAccess {
    /// An admin with `CUSTOMER` access, a seller of the store, or — when `customer` is given — that customer.
    @discardableResult
    static func require(_ context: StoreContext, _ access: Access, customer: UUID? = nil, sellers: Bool = true) async throws -> Identity {
        let identity = try context.requireIdentity()
        switch identity.kind {
        case .admin, .master:
            return try await context.requireAdmin(.customer, access)
        case .seller where sellers:
            return identity
        case .customer where customer != nil && identity.userID == customer:
            return identity
        default:
            throw APIError.forbidden()
        }
    }

    /// An admin with `CUSTOMER` access or the master key.
    @discardableResult
    static func admin(_ context: StoreContext, _ access: Access) async throws -> Identity {
        try await context.requireAdmin(.customer, access)
    }
}

extension StoreContext {
    /// The change as made by this request's caller.
    var change: Change { Change(by: self) }

    /// The notifier over this service's outbox.
    var notifier: CustomerNotifier { CustomerNotifier(outbox: runtime.outbox) }
}
