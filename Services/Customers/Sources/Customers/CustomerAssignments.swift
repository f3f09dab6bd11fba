import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Manual level (C19, C24) and POS (C20, C30) assignments.
struct CustomerAssignments: Sendable {
    let customers = CustomerRepository()
    let levels = LevelRepository()
    let pos = PosRepository()
    let settings = SettingsRepository()
    let mover = LevelMover()

    /// Moves the customer to `level` and flags it manual.
    func assignLevel(_ level: UUID, to id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            var customer = try await customers.find(on: tx, storeID: store.id, id: id, lock: true).orThrow(APIError.notFound)
            guard try await levels.exists(on: tx, storeID: store.id, id: level) else {
                throw APIError(status: .badRequest, body: Array(#"{"levelId":"Level does not exist"}"#.utf8))
            }
            let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
            try await mover.apply(.init(level: level, keepsManualFlag: true), to: &customer, manually: true, settings: program, change: change, on: tx)
        }
    }

    /// Clears the manual flag and recalculates the level from the customer's numbers.
    func removeManualLevel(from id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            var customer = try await customers.find(on: tx, storeID: store.id, id: id, lock: true).orThrow(APIError.notFound)
            guard customer.manualLevelID != nil else { throw APIError.domain("Customer is not assigned to level manually") }
            customer.manualLevelID = nil
            try await tx.execute("UPDATE customers.customers SET manual_level_id = NULL WHERE store_id = \(store.id) AND id = \(id)")
            let program = try await settings.load(on: tx, storeID: store.id, currency: store.currency)
            let moved = try await mover.recalculate(&customer, trigger: .manualLevelRemoved, settings: program, change: change, on: tx)
            if !moved {
                try await mover.record(customer, from: customer.levelID, manually: false, removeManually: true, change: change, on: tx)
            }
        }
    }

    /// Assigns a POS, replacing any previous one.
    func assignPos(_ posID: UUID, to id: UUID, store: Store, change: Change, pool: PostgresPool) async throws {
        try await pool.transaction { tx in
            var customer = try await customers.find(on: tx, storeID: store.id, id: id, lock: true).orThrow(APIError.notFound)
            guard try await pos.exists(on: tx, storeID: store.id, id: posID) else {
                throw APIError(status: .badRequest, body: Array(#"{"posId":"POS does not exist"}"#.utf8))
            }
            customer.posID = posID
            try await customers.save(on: tx, customer)
            try await change.record(
                on: tx, store: store.id, event: CustomerEvent.posAssigned, audit: "AssignPosToCustomer", entity: "customer", id: id,
                payload: PosAssigned(customerId: id.text, posId: posID.text)
            )
        }
    }
}

/// C19, C24, C20, C30.
struct AssignmentController {
    let assignments: CustomerAssignments

    var routes: RouteCollection<StoreContext> {
        let routes = RouteCollection(context: StoreContext.self)
        routes.post("customer/{customer}/level", use: assignLevel)
        routes.post("customer/{customer}/remove-manually-level", use: removeManualLevel)
        routes.post("customer/{customer}/pos", use: assignPosByAdmin)
        routes.post("seller/customer/{customer}/pos", use: assignPosBySeller)
        return routes
    }

    /// C19: `200 []`; `400 {"levelId":"field is required"}` without a level.
    @Sendable func assignLevel(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        let id = try context.uuidParameter("customer")
        let level = try Self.required("levelId", in: try await context.inputIncludingQuery(from: request))
        try await assignments.assignLevel(level, to: id, store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyArray
    }

    /// C24: `204`; `400 {"error":"Customer is not assigned to level manually"}`.
    @Sendable func removeManualLevel(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        try await assignments.removeManualLevel(from: try context.uuidParameter("customer"), store: context.store, change: context.change, pool: context.runtime.pool)
        return .noContent
    }

    /// C20: `200 []`.
    @Sendable func assignPosByAdmin(_ request: Request, context: StoreContext) async throws -> Response {
        try await CustomerAccess.admin(context, .modify)
        return try await assignPos(request, context)
    }

    /// C30: `200 []` (decision customers A21).
    @Sendable func assignPosBySeller(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try await assignPos(request, context)
    }

    private func assignPos(_ request: Request, _ context: StoreContext) async throws -> Response {
        let id = try context.uuidParameter("customer")
        let pos = try Self.required("posId", in: try await context.inputIncludingQuery(from: request))
        try await assignments.assignPos(pos, to: id, store: context.store, change: context.change, pool: context.runtime.pool)
        return .emptyArray
    }

    /// A UUID body field: `400 {"<field>":"field is required"}` when missing or not a UUID.
    static func required(_ field: String, in input: FormValue) throws -> UUID {
        guard let text = input[field]?.trimmedText, let id = UUID(uuidString: text) else {
            throw APIError(status: .badRequest, body: Array(#"{"\#(field)":"field is required"}"#.utf8))
        }
        return id
    }
}
