import Customers
import Foundation
import Hummingbird
import NIOCore
import Postgres
import ServiceKit

/// Earning rules: CRUD, activation and photo (L-03…L-11), the seller's view (L-05), the customer's list (C38).
struct EarningRuleController {
    struct Created: Encodable { let earningRuleId: String }

    func add(to group: RouterGroup<StoreContext>) {
        group.get("earningRule", use: list)
        group.post("earningRule", use: create)
        group.get("earningRule/{earningRule}", use: get)
        group.put("earningRule/{earningRule}", use: update)
        group.post("earningRule/{earningRule}/activate", use: activate)
        group.post("earningRule/{earningRule}/active", use: activate)
        group.get("earningRule/{earningRule}/photo", use: photo)
        group.post("earningRule/{earningRule}/photo", use: uploadPhoto)
        group.delete("earningRule/{earningRule}/photo", use: deletePhoto)
        group.get("seller/earningRule/{earningRule}", use: sellerGet)
        group.get("customer/earningRule", use: customerList)
    }

    @Sendable func list(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: EarningRuleRepository.sortable, defaultSort: "name")
        var active: Bool?
        if let text = query["active"]?.trimmedText {
            active = text == "active" ? true : (text == "inactive" ? false : query["active"]?.bool)
        }
        let pool = context.runtime.pool
        let (rules, total) = try await EarningRuleRepository.list(on: pool, storeID: context.store.id, active: active, page: page)
        let names = try await levelNames(context)
        return try Response.json(ListEnvelope("earningRules", items: rules.map { view($0, names) }, total: total))
    }

    @Sendable func get(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .view)
        return try Response.json(view(try await find(context), try await levelNames(context)))
    }

    @Sendable func sellerGet(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try Response.json(view(try await find(context), try await levelNames(context)))
    }

    /// The rules a customer can earn with now: active, in their window, targeting them (C38).
    @Sendable func customerList(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let pool = context.runtime.pool
        let customer = try await CustomerDirectory.find(on: pool, storeID: context.store.id, id: try identity.userID.orThrow(APIError.forbidden()))
            .orThrow(APIError.forbidden())
        let profile = try await CustomerDirectory.profile(on: pool, storeID: context.store.id, customer: customer)
        let rules = try await EarningRuleRepository.active(on: pool, storeID: context.store.id, types: RuleType.allCases)
            .filter { $0.isActive(at: Date()) && $0.targets(profile) }
            .sorted { $0.name < $1.name }
        let settings = try await LedgerFacing.settings(on: pool, storeID: context.store.id, currency: context.store.currency)
        let names = try await levelNames(context)
        struct Envelope: Encodable {
            let earningRules: [EarningRuleView]
            let currency: String
        }
        return try Response.json(Envelope(earningRules: rules.map { var v = view($0, names); v.includePhoto = false; return v }, currency: settings.currency))
    }

    @Sendable func create(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .modify)
        let rule = try EarningRuleForm.read(try await context.input(from: request), current: nil)
        try await save(rule, created: true, context: context)
        return try Response.json(Created(earningRuleId: rule.id.text))
    }

    @Sendable func update(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .modify)
        let current = try await find(context)
        var rule = try EarningRuleForm.read(try await context.input(from: request), current: current)
        rule.hasPhoto = current.hasPhoto
        try await save(rule, created: false, context: context)
        return try Response.json(Created(earningRuleId: rule.id.text))
    }

    private func save(_ rule: EarningRule, created: Bool, context: StoreContext) async throws {
        let storeID = context.store.id
        do {
            try await context.runtime.pool.transaction { tx in
                try await EarningRuleRepository.save(on: tx, storeID: storeID, rule)
                try await RuleCache.announce(storeID: storeID, on: tx)
                try await EventLog.append(try NewEvent(
                    storeID: storeID, aggregateType: "earning_rule", aggregateID: rule.id.text,
                    type: created ? "EarningRuleWasCreated" : "EarningRuleWasUpdated",
                    payload: view(rule, [:]), actor: Actor(context.identity, ip: context.clientAddress)
                ), on: tx)
            }
            RuleCache.of(context.runtime).invalidate(storeID: storeID)
        } catch is EarningRuleRepository.DuplicateEventName {
            var errors = FormErrors(schema: EarningRuleForm.schema)
            errors.add("Earning rule with such event name already exist", at: "eventName")
            throw errors
        }
    }

    @Sendable func activate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .modify)
        let id = try context.uuidParameter("earningRule")
        let input = try await context.inputIncludingQuery(from: request)
        let value = input["active"] ?? input["earningRule"]?["active"]
        let active: Bool
        switch value?.trimmedText?.lowercased() {
        case "active": active = true
        case "inactive": active = false
        default:
            guard let flag = value?.bool else { throw APIError.badRequest("active must be 1, 0, true, false, active or inactive") }
            active = flag
        }
        let storeID = context.store.id
        try await context.runtime.pool.transaction { tx in
            guard try await EarningRuleRepository.setActive(on: tx, storeID: storeID, id: id, active: active) else { throw APIError.notFound }
            try await RuleCache.announce(storeID: storeID, on: tx)
            try await EventLog.append(try NewEvent(
                storeID: storeID, aggregateType: "earning_rule", aggregateID: id.text,
                type: active ? "EarningRuleWasActivated" : "EarningRuleWasDeactivated", payload: ["earningRuleId": id.text],
                actor: Actor(context.identity, ip: context.clientAddress)
            ), on: tx)
        }
        RuleCache.of(context.runtime).invalidate(storeID: storeID)
        return .noContent
    }

    @Sendable func photo(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .view)
        let id = try context.uuidParameter("earningRule")
        let photo = try await EarningRuleRepository.photo(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
        let bytes = Data(base64Encoded: photo.base64.replacingOccurrences(of: "\n", with: "")) ?? Data()
        return Response(status: .ok, headers: [.contentType: photo.type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func uploadPhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .modify)
        let id = try context.uuidParameter("earningRule")
        let input = try await context.input(from: request)
        guard let file = (input["photo"]?["file"] ?? input["file"])?.file else {
            var errors = FormErrors(schema: ["file"])
            errors.add(FormMessage.notBlank, at: "file")
            throw errors
        }
        guard ["image/png", "image/jpeg", "image/gif", "image/webp"].contains(file.contentType.lowercased()) else {
            var errors = FormErrors(schema: ["file"])
            errors.add("This file is not a valid image.", at: "file")
            throw errors
        }
        let stored = try await EarningRuleRepository.setPhoto(
            on: context.runtime.pool, storeID: context.store.id, id: id, type: file.contentType, base64: Data(file.data).base64EncodedString()
        )
        guard stored else { throw APIError.notFound }
        return Response(status: .ok)
    }

    @Sendable func deletePhoto(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.earningRule, .modify)
        let id = try context.uuidParameter("earningRule")
        guard try await EarningRuleRepository.setPhoto(on: context.runtime.pool, storeID: context.store.id, id: id, type: nil, base64: nil)
        else { throw APIError.notFound }
        return Response(status: .ok)
    }

    private func find(_ context: StoreContext) async throws -> EarningRule {
        let id = try context.uuidParameter("earningRule")
        return try await EarningRuleRepository.find(on: context.runtime.pool, storeID: context.store.id, id: id).orThrow(APIError.notFound)
    }

    private func levelNames(_ context: StoreContext) async throws -> [UUID: String] {
        Dictionary(uniqueKeysWithValues: try await CustomersLibrary.levels(on: context.runtime.pool, storeID: context.store.id).map { ($0.id, $0.name) })
    }

    private func view(_ rule: EarningRule, _ names: [UUID: String]) -> EarningRuleView {
        var view = EarningRuleView(rule: rule)
        for level in rule.levels { if let name = names[level] { view.levelNames[level.text] = name } }
        return view
    }
}
