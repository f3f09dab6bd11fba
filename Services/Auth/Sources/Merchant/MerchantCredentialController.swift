import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Merchant API credentials (X-03…05) for HTTP Basic `userId:apiKey` on `/enterprise/*`, bound to one store.
/// The key is shown once, in the creation response. Admins with the `API_CREDENTIALS` resource.
struct MerchantCredentialController {
    let repository: MerchantCredentialRepository
    let stores: StoreRepository

    /// The creation response: the only time the key is shown.
    struct Created: Encodable {
        let userId: String
        let apiKey: String
        let storeId: String
        let name: String
        let createdAt: String
    }

    var routes: RouteCollection<ServiceContext> {
        let routes = RouteCollection(context: ServiceContext.self)
        routes.post("api/store/{store}/api_credentials", use: create)
        routes.get("api/store/{store}/api_credentials", use: list)
        routes.delete("api/store/{store}/api_credentials/{userId}", use: delete)
        return routes
    }

    /// Optional label: `name` or `apiCredentials[name]`.
    @Sendable func create(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.apiCredentials, .modify)
        let store = try await storeID(context)
        let input = try await context.input(from: request)
        let name = (input["apiCredentials"]?["name"] ?? input["name"])?.trimmedText ?? ""
        let userID = UUID().uuidString.lowercased(), apiKey = Secrets.randomToken()
        let record = try await context.runtime.pool.transaction { tx in
            let record = try await repository.create(on: tx, storeID: store, userID: userID, keyDigest: Secrets.sha256Hex(apiKey), name: name)
            try await Change(by: context).record(
                on: tx, event: "ApiCredentialsWereCreated", audit: "CreateApiCredentials", entity: "api_credentials",
                id: userID, storeID: store, payload: record
            )
            return record
        }
        return try Response.json(Created(userId: userID, apiKey: apiKey, storeId: record.storeId, name: name, createdAt: record.createdAt))
    }

    @Sendable func list(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.apiCredentials, .view)
        let credentials = try await repository.list(on: context.runtime.pool, storeID: try await storeID(context))
        return try Response.json(ListEnvelope("apiCredentials", items: credentials, total: credentials.count))
    }

    /// `204`; unknown or already revoked credentials: 404.
    @Sendable func delete(_ request: Request, context: ServiceContext) async throws -> Response {
        try await context.requireAdmin(.apiCredentials, .modify)
        let store = try await storeID(context)
        let userID = try context.parameters.get("userId").orThrow(APIError.notFound)
        try await context.runtime.pool.transaction { tx in
            guard try await repository.revoke(on: tx, storeID: store, userID: userID) else { throw APIError.notFound }
            try await Change(by: context).record(
                on: tx, event: "ApiCredentialsWereRevoked", audit: "RevokeApiCredentials", entity: "api_credentials",
                id: userID, storeID: store, payload: ["userId": userID]
            )
        }
        context.runtime.credentialCache?.invalidate()
        return .noContent
    }

    /// The `{store}` path parameter: the id of an existing store, else 404.
    private func storeID(_ context: ServiceContext) async throws -> UUID {
        let id = try context.uuidParameter("store")
        _ = try await stores.find(on: context.runtime.pool, id: id).orThrow(APIError.notFound)
        return id
    }
}
