import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Awards for custom events (C39), QR codes (L-12) and geolocation (L-13): `{"points": n}`.
struct EventAwardController {
    struct Awarded: Encodable { let points: Amount }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("customer/earningRule/{eventName}", use: customEvent)
        group.post("earningRule/qrcode/customer/{customer}", use: qrcode)
        group.post("earningRule/geolocation/customer/{customer}", use: geolocation)
    }

    @Sendable func customEvent(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let customerID = try identity.userID.orThrow(APIError.forbidden())
        let eventName = try context.parameters.require("eventName")
        return try await award(context, customerID: customerID) { tx, customer, actor in
            try await EventAwards.customEvent(on: tx, store: context.store, customer: customer, eventName: eventName, actor: actor)
        }
    }

    @Sendable func qrcode(_ request: Request, context: StoreContext) async throws -> Response {
        let customerID = try await caller(context)
        let input = try await context.inputIncludingQuery(from: request)
        let form = input["earningRule"] ?? input
        guard let code = form["code"]?.trimmedText else { throw Self.blank(["code", "earningRuleId"], "code") }
        let ruleID = try ruleID(form)
        return try await award(context, customerID: customerID) { tx, customer, actor in
            try await EventAwards.qrcode(on: tx, store: context.store, customer: customer, code: code, ruleID: ruleID, actor: actor)
        }
    }

    @Sendable func geolocation(_ request: Request, context: StoreContext) async throws -> Response {
        let customerID = try await caller(context)
        let input = try await context.inputIncludingQuery(from: request)
        let form = input["earningRule"] ?? input
        var errors = FormErrors(schema: ["latitude", "longitude", "earningRuleId"])
        let latitude = form["latitude"]?.trimmedText.flatMap(Double.init)
        let longitude = form["longitude"]?.trimmedText.flatMap(Double.init)
        if latitude == nil || abs(latitude!) > 90 { errors.add(FormMessage.invalid, at: "latitude") }
        if longitude == nil || abs(longitude!) > 180 { errors.add(FormMessage.invalid, at: "longitude") }
        guard errors.isEmpty, let latitude, let longitude else { throw errors }
        let ruleID = try ruleID(form)
        return try await award(context, customerID: customerID) { tx, customer, actor in
            try await EventAwards.geolocation(
                on: tx, store: context.store, customer: customer, latitude: latitude, longitude: longitude, ruleID: ruleID, actor: actor
            )
        }
    }

    /// Admins for any customer; a customer only for themself (decision ledger A-15).
    private func caller(_ context: StoreContext) async throws -> UUID {
        let customerID = try context.uuidParameter("customer")
        let identity = try context.requireIdentity()
        if identity.kind == .customer {
            guard identity.userID == customerID else { throw APIError.forbidden() }
        } else {
            try await context.requireAdmin(.earningRule, .modify)
        }
        return customerID
    }

    private func ruleID(_ form: FormValue) throws -> UUID? {
        guard let text = form["earningRuleId"]?.trimmedText else { return nil }
        return try UUID(uuidString: text).orThrow(Self.blank(["code", "earningRuleId"], "earningRuleId", FormMessage.invalid))
    }

    private static func blank(_ schema: FormSchema, _ field: String, _ message: String = FormMessage.notBlank) -> FormErrors {
        var errors = FormErrors(schema: schema)
        errors.add(message, at: field)
        return errors
    }

    private func award(
        _ context: StoreContext, customerID: UUID,
        _ body: @escaping @Sendable (PostgresSession, LedgerCustomer, Actor) async throws -> Amount
    ) async throws -> Response {
        let actor = Actor(context.identity, ip: context.clientAddress)
        do {
            let points = try await context.runtime.pool.transaction { tx in
                let customer = try await CustomerDirectory.find(on: tx, storeID: context.store.id, id: customerID).orThrow(APIError.notFound)
                return try await body(tx, customer, actor)
            }
            return try Response.json(Awarded(points: points))
        } catch let refusal as AwardRefusal {
            throw refusal.apiError
        }
    }
}
