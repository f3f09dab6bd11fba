import Customers
import Foundation
import Hummingbird
import Ledger
import Postgres
import ServiceKit

/// Okendo redemption: the ways to redeem points (M6 merchant, S2 anonymous, S12 storefront customer) and
/// redeeming one (M7 merchant, S13 storefront). A redemption buys the rule's reward campaign for the customer,
/// as CC-07 does, in one transaction with the points spent (okendo §8.1).
struct RedemptionController {
    func addMerchant(to group: RouterGroup<StoreContext>) {
        group.get("loyalty/redemption_rules", use: merchantRules)
        group.post("loyalty/redemption_transactions", use: merchantRedeem)
    }

    func addSubscriber(to group: RouterGroup<StoreContext>) {
        group.get("loyalty/redemption_rules", use: publicRules)
    }

    func addStorefront(to group: RouterGroup<StoreContext>) {
        group.get("redemption_rules", use: customerRules)
        group.post("redemptions", use: storefrontRedeem)
    }

    // MARK: Rules

    /// M6: every running rule, or those a named customer can redeem now.
    @Sendable func merchantRules(_ request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let pool = context.runtime.pool, storeID = context.store.id
        var rules = try await RedemptionRules.running(on: pool, storeID: storeID)
        let id = query["loyaltyCustomerId"]?.trimmedText, email = query["email"]?.trimmedText
        if id != nil || email != nil {
            let member = try await LedgerLibrary.okendoMember(on: pool, storeID: storeID, id: id, email: email)
            rules = try await tailored(rules, to: member.customerID, context: context)
        }
        struct Body: Encodable { let rules: [RedemptionRules.MerchantView] }
        return try Response.json(Body(rules: rules.map { RedemptionRules.MerchantView($0, locale: "en") }))
    }

    /// S2: the store's running rules, for anyone.
    @Sendable func publicRules(_ request: Request, context: StoreContext) async throws -> Response {
        let rules = try await RedemptionRules.running(on: context.runtime.pool, storeID: context.store.id)
        return try storefrontBody(rules, request: request, context: context)
    }

    /// S12: the rules the session's customer can redeem now.
    @Sendable func customerRules(_ request: Request, context: StoreContext) async throws -> Response {
        let member = try await sessionMember(context)
        let running = try await RedemptionRules.running(on: context.runtime.pool, storeID: context.store.id)
        return try storefrontBody(try await tailored(running, to: member.customerID, context: context), request: request, context: context)
    }

    private func storefrontBody(_ rules: [Campaign], request: Request, context: StoreContext) throws -> Response {
        let language = try context.queryInput(of: request)["languageCode"]?.trimmedText ?? "en"
        struct Body: Encodable {
            let redemptionRules: [RedemptionRules.StorefrontView]
            let localisation: RedemptionRules.Localisation
        }
        return try Response.json(Body(
            redemptionRules: rules.map { RedemptionRules.StorefrontView($0, locale: language) },
            localisation: .init(storeCurrency: context.store.currency)
        ))
    }

    /// The rules aimed at the customer with usage left for them.
    private func tailored(_ rules: [Campaign], to customerID: UUID, context: StoreContext) async throws -> [Campaign] {
        let pool = context.runtime.pool, storeID = context.store.id
        guard let customer = try await CustomersLibrary.customer(on: pool, storeID: storeID, id: customerID) else { return [] }
        let points = try await LedgerLibrary.availablePoints(on: pool, storeID: storeID, customerID: customerID)
        return try await CampaignOffers.available(on: pool, storeID: storeID, customer: customer, candidates: rules, points: points).campaigns
    }

    // MARK: Redeeming

    /// M7: `{"customerIdentifier", "redemptionRuleId"}` → the balance after, the points spent and the coupon.
    @Sendable func merchantRedeem(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        let storeID = context.store.id
        let (coupon, spent, points) = try await redeem(input: input, context: context) { tx in
            try await LedgerLibrary.okendoMember(on: tx, storeID: storeID, identifier: input["customerIdentifier"])
        }
        struct Body: Encodable {
            struct Points: Encodable { let balance: Amount }
            struct Customer: Encodable { let points: Points }
            struct Details: Encodable { let amount: Amount }
            struct Coupon: Encodable { let code: String }
            struct Reward: Encodable {
                let status = "completed"
                let type = "coupon"
                let coupon: Coupon
            }
            let loyaltyCustomer: Customer
            let transactionDetails: Details
            let reward: Reward
        }
        return try Response.json(Body(
            loyaltyCustomer: .init(points: .init(balance: points.balance)), transactionDetails: .init(amount: spent),
            reward: .init(coupon: .init(code: coupon.code))
        ))
    }

    /// S13: `{"redemptionRuleId", "localisation"?}` for the session's customer → the coupon and the points summary.
    @Sendable func storefrontRedeem(_ request: Request, context: StoreContext) async throws -> Response {
        let input = try await context.input(from: request)
        let member = try await sessionMember(context)
        if let code = input["localisation"]?["currencyCode"]?.trimmedText, code.uppercased() != context.store.currency.uppercased() {
            throw APIError.http(.unprocessableContent, "Currency exchange mismatch: the store redeems in \(context.store.currency.uppercased())")
        }
        let (coupon, _, points) = try await redeem(input: input, context: context) { _ in member }
        struct Body: Encodable {
            struct Data: Encodable { let code: String }
            struct Result: Encodable {
                let success = true
                let data: Data
            }
            struct Reward: Encodable {
                let rewardType = "coupon"
                let result: Result
            }
            let reward: Reward
            let customerPoints: LedgerLibrary.OkendoPoints
        }
        return try Response.json(Body(reward: .init(result: .init(data: .init(code: coupon.code))), customerPoints: points))
    }

    /// Buys the rule's campaign for the member named by `member` (read in the transaction): 404 for an unknown or
    /// not running rule, 403 for a customer not enrolled, not aimed at, out of limits or points.
    private func redeem(
        input: FormValue, context: StoreContext, member: @escaping @Sendable (PostgresSession) async throws -> LedgerLibrary.OkendoMember
    ) async throws -> (coupon: IssuedCoupon, spent: Amount, points: LedgerLibrary.OkendoPoints) {
        guard let text = input["redemptionRuleId"]?.trimmedText else { throw APIError.badRequest("redemptionRuleId is required") }
        if input["variableValue"] != nil { throw APIError.badRequest("This redemption rule has a fixed value; variableValue is not accepted") }
        let storeID = context.store.id, actor = Actor(context.identity, ip: context.clientAddress)
        return try await context.runtime.pool.transaction { tx in
            let member = try await member(tx)
            guard member.status == "enrolled" else { throw APIError.forbidden("Customer not enrolled") }
            guard let id = UUID(uuidString: text),
                  let campaign = try await CampaignRepository.find(on: tx, storeID: storeID, id: id), RedemptionRules.isRule(campaign)
            else { throw APIError.http(.notFound, "Redemption rule not found") }
            let order = CampaignPurchases.Order(campaignID: campaign.id, customerID: member.customerID, issuer: "customer")
            do {
                let coupons = try await CampaignPurchases.buy(on: tx, store: context.store, order, actor: actor)
                let points = try await LedgerLibrary.okendoPoints(on: tx, storeID: storeID, customerID: member.customerID)
                return (try coupons.first.orThrow(APIError.http(.internalServerError, "Failed to redeem points.")), campaign.costInPoints, points)
            } catch let refusal as PurchaseRefusal {
                throw refusal == .notFound ? APIError.forbidden("Customer is not eligible for this redemption rule") : APIError.forbidden(refusal.message)
            }
        }
    }

    private func sessionMember(_ context: StoreContext) async throws -> LedgerLibrary.OkendoMember {
        let identity = try context.require(.storefront)
        let id = try identity.userID.orThrow(APIError.unauthorized("Invalid JWT Token"))
        return try await LedgerLibrary.okendoMember(on: context.runtime.pool, storeID: context.store.id, customerID: id)
            .orThrow(APIError.http(.notFound, "Customer not found"))
    }
}
