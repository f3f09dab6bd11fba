import Foundation
import Hummingbird

/// Resolves the tenant of a store-scoped group before its `StoreContext` is made.
struct StoreMiddleware: RouterMiddleware {
    typealias Context = ServiceContext

    /// Where the store comes from.
    enum Source: Sendable {
        /// The `{storeCode}` path parameter (Open Loyalty family).
        case codeParameter(String)
        /// The `{subscriberId}` path parameter (storefront API).
        case idParameter(String)
        /// The caller's own credentials: merchant API Basic auth or a storefront JWT.
        case credentials(Identity.Kind)
    }

    let source: Source

    func handle(_ request: Request, context: ServiceContext, next: (Request, ServiceContext) async throws -> Response) async throws -> Response {
        var context = context
        context.resolvedStore = try await resolve(context)
        return try await next(request, context)
    }

    private func resolve(_ context: ServiceContext) async throws -> Store {
        let stores = context.runtime.stores
        switch source {
        case .codeParameter(let name):
            guard let code = context.parameters.get(name), let store = try await stores.activeStore(code: code) else {
                throw APIError.notFound
            }
            return store
        case .idParameter(let name):
            guard let text = context.parameters.get(name), let id = UUID(uuidString: text),
                  let store = try await stores.activeStore(id: id)
            else { throw APIError.notFound }
            return store
        case .credentials(let kind):
            let identity = try context.require(kind)
            if let id = identity.storeID, let store = try await stores.activeStore(id: id) { return store }
            if let code = identity.storeCode, let store = try await stores.activeStore(code: code) { return store }
            throw APIError.forbidden()
        }
    }
}

extension RouterMethods where Context == ServiceContext {
    /// Routes under `/api/{storeCode}`: the store code resolves to an active store (else 404) and callers of
    /// another store are refused (403) before any handler runs.
    public func storeGroup(_ path: RouterPath = "api/{storeCode}") -> RouterGroup<StoreContext> {
        group(path).add(middleware: StoreMiddleware(source: .codeParameter("storeCode"))).group(context: StoreContext.self)
    }

    /// Routes under `/v1/stores/{subscriberId}`: the subscriber id is the store's UUID.
    public func subscriberGroup(_ path: RouterPath = "v1/stores/{subscriberId}") -> RouterGroup<StoreContext> {
        group(path).add(middleware: StoreMiddleware(source: .idParameter("subscriberId"))).group(context: StoreContext.self)
    }

    /// Routes under `/enterprise`: the store is the one the merchant credentials (HTTP Basic) are bound to.
    public func merchantGroup(_ path: RouterPath = "enterprise") -> RouterGroup<StoreContext> {
        group(path).add(middleware: StoreMiddleware(source: .credentials(.merchant))).group(context: StoreContext.self)
    }

    /// Routes under `/v1/loyalty`: the store is the one in the caller's storefront JWT.
    public func storefrontGroup(_ path: RouterPath = "v1/loyalty") -> RouterGroup<StoreContext> {
        group(path).add(middleware: StoreMiddleware(source: .credentials(.storefront))).group(context: StoreContext.self)
    }
}
