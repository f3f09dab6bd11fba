import Foundation
import Hummingbird

/// The context of every store-scoped route. It cannot exist without a resolved, active store, and its
/// initializer refuses callers who belong to another store — so no handler can forget the tenant.
public struct StoreContext: ChildRequestContext, IdentifiedContext {
    public var coreContext: CoreRequestContextStorage
    public let store: Store
    public let requestID: String
    public let identity: Identity?
    public let clientAddress: String?
    public let runtime: ServiceRuntime
    private let bodyLimit: Int

    public init(context: ServiceContext) throws {
        guard let store = context.resolvedStore else { throw APIError.notFound }
        if let identity = context.identity, !Self.identity(identity, mayAccess: store) {
            throw APIError.forbidden()
        }
        self.coreContext = context.coreContext
        self.store = store
        self.requestID = context.requestID
        self.identity = context.identity
        self.clientAddress = context.clientAddress
        self.runtime = context.runtime
        self.bodyLimit = context.bodyLimit
    }

    public var maxUploadSize: Int { bodyLimit }
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    /// Customers, sellers and storefront sessions act on their own store; merchant credentials on the store
    /// they are bound to; admins and the master key on every store.
    static func identity(_ identity: Identity, mayAccess store: Store) -> Bool {
        switch identity.kind {
        case .admin, .master: return true
        case .customer, .seller, .storefront: return identity.storeCode == store.code
        case .merchant: return identity.storeID == store.id
        }
    }
}
