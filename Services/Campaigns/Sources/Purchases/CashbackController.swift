import Customers
import Foundation
import Hummingbird
import Postgres
import ServiceKit

/// Cashback redemption (CMP-01 admin, CMP-02 customer), its simulation (CMP-03) and the provider's callback (CMP-04).
struct CashbackController {
    /// `{customerId, pointsAmount, pointValue, rewardAmount, cashbackId?}`.
    struct Redemption: Encodable {
        let customerId: String
        let pointsAmount: Amount
        let pointValue: Amount
        let rewardAmount: Amount
        let cashbackId: String?
    }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("admin/campaign/cashback/redeem", use: adminRedeem)
        group.post("customer/campaign/cashback/redeem", use: customerRedeem)
        group.post("admin/campaign/cashback/simulate", use: simulate)
        group.post("campaign/cashback/callback/{provider}", use: callback)
    }

    @Sendable func adminRedeem(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let input = try await context.input(from: request)
        let customerID = try uuid(input, "customerId", required: true, schema: ["customerId", "pointsAmount", "cashbackId"])!
        return try await redeem(customerID: customerID, input: input, requireCampaign: false, context: context)
    }

    @Sendable func customerRedeem(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let input = try await context.input(from: request)
        return try await redeem(customerID: try identity.userID.orThrow(APIError.forbidden()), input: input, requireCampaign: true, context: context)
    }

    /// Spends `pointsAmount` on the cashback campaign and records the purchase (no code); the money owed is
    /// `pointsAmount × pointValue` (A5: the documented admin example's 100 is taken as a slip).
    private func redeem(customerID: UUID, input: FormValue, requireCampaign: Bool, context: StoreContext) async throws -> Response {
        let schema: FormSchema = ["customerId", "pointsAmount", "cashbackId"]
        let points = try pointsAmount(input, schema: schema)
        let requested = try uuid(input, "cashbackId", required: requireCampaign, schema: schema)
        let storeID = context.store.id, actor = Actor(context.identity, ip: context.clientAddress)
        let campaign = try await context.runtime.pool.transaction { tx in
            let customer = try await CustomersLibrary.customer(on: tx, storeID: storeID, id: customerID).orThrow(APIError.notFound)
            let campaign = try await Cashback.campaign(on: tx, storeID: storeID, customer: customer, requested: requested).orThrow(Cashback.notAvailable)
            var order = CampaignPurchases.Order(campaignID: campaign.id, customerID: customerID, mustBeVisible: false, issuer: "system")
            order.points = points
            do {
                _ = try await CampaignPurchases.buy(on: tx, store: context.store, order, actor: actor)
                return campaign
            } catch let refusal as PurchaseRefusal {
                throw refusal == .notFound ? Cashback.notAvailable : refusal.apiError
            }
        }
        return try Response.json(Redemption(
            customerId: customerID.text, pointsAmount: points, pointValue: campaign.pointValue ?? .zero,
            rewardAmount: Cashback.rewardAmount(points: points, campaign: campaign), cashbackId: requireCampaign ? campaign.id.text : nil
        ))
    }

    /// CMP-03: what the points would pay, without spending them; `pointValue` is a two-decimal string (A6).
    @Sendable func simulate(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let input = try await context.inputIncludingQuery(from: request)
        let schema: FormSchema = ["customerId", "pointsAmount"]
        let customerID = try uuid(input, "customerId", required: true, schema: schema)!
        let points = try pointsAmount(input, schema: schema)
        let pool = context.runtime.pool, storeID = context.store.id
        let customer = try await CustomersLibrary.customer(on: pool, storeID: storeID, id: customerID).orThrow(APIError.notFound)
        let campaign = try await Cashback.campaign(on: pool, storeID: storeID, customer: customer, requested: nil).orThrow(Cashback.notAvailable)
        struct Simulation: Encodable {
            let customerId: String
            let pointsAmount: Amount
            let pointValue: String
            let rewardAmount: Amount
        }
        let value = campaign.pointValue ?? .zero
        return try Response.json(Simulation(
            customerId: customerID.text, pointsAmount: points, pointValue: value.twoDecimals,
            rewardAmount: Cashback.rewardAmount(points: points, campaign: campaign)
        ))
    }

    /// CMP-04: the provider reports a payout of a cashback purchase; any admin credential (a permanent token
    /// given to the provider) may call it (decision campaigns A7).
    @Sendable func callback(_ request: Request, context: StoreContext) async throws -> Response {
        try context.requireAnyAdmin()
        let provider = context.parameters.get("provider") ?? ""
        guard provider == "paytm" else { throw APIError.notFound }
        let input = try await context.input(from: request)
        guard let report = Cashback.Report(provider: provider, payload: input) else {
            throw APIError.badRequest("orderId must be <customerId>_<couponId>")
        }
        let storeID = context.store.id
        try await context.runtime.pool.transaction { tx in
            let updated = try await tx.execute("""
                UPDATE campaigns.purchases p SET cashback_status = \(report.code), cashback_message = \(report.message), cashback_failed = \(report.failed)
                FROM campaigns.campaigns c
                WHERE p.store_id = \(storeID) AND p.id = \(report.couponId)::uuid AND p.customer_id = \(report.customerId)::uuid
                  AND c.store_id = p.store_id AND c.id = p.campaign_id AND c.reward = 'cashback'
                """)
            guard updated > 0 else { throw APIError.notFound }
            try await EventLog.append(try NewEvent(
                storeID: storeID, aggregateType: "campaign", aggregateID: report.couponId, type: "CampaignBoughtCashbackStatusWasChanged",
                payload: report, actor: Actor(context.identity, ip: context.clientAddress)
            ), on: tx)
        }
        return try Response.json(report)
    }

    private func pointsAmount(_ input: FormValue, schema: FormSchema) throws -> Amount {
        var errors = FormErrors(schema: schema)
        guard let value = input["pointsAmount"], !value.isBlank else {
            errors.add(FormMessage.notBlank, at: "pointsAmount")
            throw errors
        }
        guard let points = value.trimmedText.flatMap(Amount.init(exactly:)), points.isPositive else {
            errors.add("This value should be greater than 0.", at: "pointsAmount")
            throw errors
        }
        return points
    }

    private func uuid(_ input: FormValue, _ field: String, required: Bool, schema: FormSchema) throws -> UUID? {
        var errors = FormErrors(schema: schema)
        guard let text = input[field]?.trimmedText else {
            guard !required else {
                errors.add(FormMessage.notBlank, at: field)
                throw errors
            }
            return nil
        }
        guard let id = UUID(uuidString: text) else {
            errors.add(FormMessage.invalid, at: field)
            throw errors
        }
        return id
    }
}
