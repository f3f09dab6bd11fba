import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Postgres
import ServiceKit

/// X-06: `PUT /api/{storeCode}/platform/customers/{externalId}`, the shop platform's customer upsert
/// (okendo P1). The body is the `customer[...]` form. An unknown external id registers an active customer
/// (the admin registration form, `agreement1` not required); a known one is a partial update (C13 rules).
/// Concurrent upserts of one external id are serialized, so exactly one customer is created.
struct PlatformCustomerController {
    struct Upserted: Encodable {
        let customerId: String
        let externalId: String
        let created: Bool
    }

    let registration: CustomerRegistration
    let update: CustomerUpdate

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.put("platform/customers/{externalId}", use: upsert)
        return routes
    }

    /// `201 {"customerId","externalId","created":true}` for a new customer, `200 {…,"created":false}` for an update.
    @Sendable func upsert(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        let externalID = try context.textParameter("externalId")
        guard externalID.count <= 255 else { throw APIError.notFound }
        let input = try await context.input(from: request)
        let creation = try CustomerForm(input, kind: .platform)
        let edit = try CustomerForm(input, kind: .update)
        let store = context.store, change = context.change
        let (id, created) = try await CustomerIdentifiers.reportingDuplicates(schema: CustomerForm.createSchema) {
            try await context.runtime.pool.transaction { tx -> (UUID, Bool) in
                _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtext(\(store.id.text + "/" + externalID))::bigint)")
                if let existing = try await CustomersLibrary.customer(on: tx, storeID: store.id, externalID: externalID) {
                    _ = try await update.update(existing.id, form: edit, store: store, change: change, on: tx)
                    return (existing.id, false)
                }
                let (customer, _) = try await registration.register(
                    creation, store: store, channel: .platform(externalID: externalID), password: nil, change: change, on: tx
                )
                return (customer.id, true)
            }
        }
        return try Response.json(Upserted(customerId: id.text, externalId: externalID, created: created), status: created ? .created : .ok)
    }
}
