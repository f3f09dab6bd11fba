import Customers
import Foundation
import Hummingbird
import NIOCore
import Postgres
import ServiceKit

/// Buying campaigns (CMP-17, CMP-26, CC-07), the purchases (CC-01, CC-02, CC-08, CMP-08, CMP-09), using coupons
/// (CC-05, CC-06) and their delivery (CMP-28).
struct PurchaseController {
    struct Coupons: Encodable { let coupons: [IssuedCoupon] }

    func add(to group: RouterGroup<StoreContext>) {
        group.post("admin/customer/{customer}/campaign/{campaign}/buy", use: adminBuy)
        group.post("seller/customer/{customer}/campaign/{campaign}/buy", use: sellerBuy)
        group.post("customer/campaign/{campaign}/buy", use: customerBuy)
        group.get("admin/customer/{customer}/campaign/bought", use: adminPurchases)
        group.get("seller/customer/{customer}/campaign/bought", use: sellerPurchases)
        group.get("customer/campaign/bought", use: customerPurchases)
        group.get("campaign/bought", use: storePurchases)
        group.get("campaign/bought/export/csv", use: exportCSV)
        group.post("admin/campaign/coupons/mark_as_used", use: adminMarkAsUsed)
        group.post("customer/campaign/coupons/mark_as_used", use: customerMarkAsUsed)
        group.put("admin/customer/{customer}/bought/coupon/{coupon}/changeDeliveryStatus", use: changeDeliveryStatus)
    }

    // MARK: Buying

    @Sendable func adminBuy(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let query = try context.queryInput(of: request)
        var order = try order(customerID: try context.uuidParameter("customer"), query: query, context: context)
        order.withoutPoints = query["withoutPoints"]?.bool ?? false
        order.mustBeVisible = false
        order.mustBeTargeted = false
        return try await buy(order, context: context)
    }

    @Sendable func sellerBuy(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        var order = try order(customerID: try context.uuidParameter("customer"), query: try context.queryInput(of: request), context: context)
        order.issuer = "seller"
        return try await buy(order, context: context)
    }

    @Sendable func customerBuy(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        let customerID = try identity.userID.orThrow(APIError.forbidden())
        var order = try order(customerID: customerID, query: try context.queryInput(of: request), context: context)
        order.issuer = "customer"
        return try await buy(order, context: context)
    }

    private func order(customerID: UUID, query: FormValue, context: StoreContext) throws -> CampaignPurchases.Order {
        var quantity = 1
        if let value = query["quantity"], !value.isBlank {
            guard let number = value.int, number >= 1, number <= 1000 else { throw APIError.badRequest("quantity must be a whole number from 1 to 1000") }
            quantity = number
        }
        return CampaignPurchases.Order(campaignID: try context.uuidParameter("campaign"), customerID: customerID, quantity: quantity)
    }

    private func buy(_ order: CampaignPurchases.Order, context: StoreContext) async throws -> Response {
        let actor = Actor(context.identity, ip: context.clientAddress)
        do {
            let coupons = try await context.runtime.pool.transaction { tx in
                try await CampaignPurchases.buy(on: tx, store: context.store, order, actor: actor)
            }
            return try Response.json(Coupons(coupons: coupons))
        } catch let refusal as PurchaseRefusal {
            throw refusal.apiError
        }
    }

    // MARK: Lists

    @Sendable func adminPurchases(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        return try await purchases(of: try context.uuidParameter("customer"), audience: .admin, request: request, context: context)
    }

    @Sendable func sellerPurchases(_ request: Request, context: StoreContext) async throws -> Response {
        try context.require(.seller)
        return try await purchases(of: try context.uuidParameter("customer"), audience: .admin, request: request, context: context)
    }

    @Sendable func customerPurchases(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await purchases(of: try identity.userID.orThrow(APIError.forbidden()), audience: .customer, request: request, context: context)
    }

    /// One customer's purchases, newest first unless sorted otherwise; `includeDetails=1` embeds each campaign.
    private func purchases(of customerID: UUID, audience: CampaignAudience, request: Request, context: StoreContext) async throws -> Response {
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: PurchaseRepository.sortable, defaultSort: "purchaseAt", defaultDirection: .descending)
        let storeID = context.store.id, pool = context.runtime.pool, now = Date()
        guard try await CustomersLibrary.customer(on: pool, storeID: storeID, id: customerID) != nil else { throw APIError.notFound }
        var condition: SQL = "p.customer_id = \(customerID)"
        if let status = query["deliveryStatus"]?.trimmedText { condition = "\(condition) AND p.delivery_status = \(status)" }
        let (purchases, total) = try await PurchaseRepository.list(on: pool, storeID: storeID, where: condition, page: page)
        var details: [UUID: CampaignView] = [:]
        if query["includeDetails"]?.bool == true {
            let campaigns = try await CampaignRepository.campaigns(on: pool, storeID: storeID, ids: Array(Set(purchases.map(\.campaignID))))
            let presenter = try await CampaignPresenter.load(on: pool, storeID: storeID, campaigns: campaigns, for: audience, locale: locale(query), now: now)
            for campaign in campaigns { details[campaign.id] = presenter.view(campaign, for: audience) }
        }
        let views = purchases.map { CustomerPurchaseView($0, campaign: details[$0.campaignID], now: now) }
        return try Response.json(ListEnvelope("campaigns", items: views, total: total))
    }

    /// CMP-08: every purchase of the store, filtered by use, dates and delivery status.
    @Sendable func storePurchases(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let query = try context.queryInput(of: request)
        let page = try Pagination(query, sortable: PurchaseRepository.sortable, defaultSort: "purchasedAt")
        let storeID = context.store.id, pool = context.runtime.pool, now = Date()
        let (purchases, total) = try await PurchaseRepository.list(on: pool, storeID: storeID, where: try PurchaseFilters.condition(query), page: page)
        let (campaigns, customers) = try await related(purchases, on: pool, storeID: storeID)
        let views = purchases.map { BoughtCampaignView($0, campaign: campaigns[$0.campaignID], customer: customers[$0.customerID], now: now) }
        return try Response.json(ListEnvelope("boughtCampaigns", items: views, total: total))
    }

    /// CMP-09: the purchases as CSV, oldest first, optionally within purchase dates.
    @Sendable func exportCSV(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .view)
        let query = try context.queryInput(of: request)
        let storeID = context.store.id, pool = context.runtime.pool
        let purchases = try await PurchaseRepository.all(on: pool, storeID: storeID, where: try PurchaseFilters.condition(query))
        let (campaigns, customers) = try await related(purchases, on: pool, storeID: storeID)
        let lines = [PurchaseCSV.header] + purchases.map { PurchaseCSV.row($0, campaign: campaigns[$0.campaignID], customer: customers[$0.customerID]) }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"bought_campaigns.csv\""],
            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n"))
        )
    }

    /// The campaigns and customers the purchases name.
    private func related(
        _ purchases: [Purchase], on pool: PostgresPool, storeID: UUID
    ) async throws -> (campaigns: [UUID: Campaign], customers: [UUID: CustomerSummary]) {
        let campaigns = try await CampaignRepository.campaigns(on: pool, storeID: storeID, ids: Array(Set(purchases.map(\.campaignID))))
        let customers = try await CustomersLibrary.customers(on: pool, storeID: storeID, ids: Array(Set(purchases.map(\.customerID))))
        return (Dictionary(uniqueKeysWithValues: campaigns.map { ($0.id, $0) }), customers)
    }

    // MARK: Using coupons

    @Sendable func adminMarkAsUsed(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        return try await markAsUsed(customer: nil, request: request, context: context)
    }

    @Sendable func customerMarkAsUsed(_ request: Request, context: StoreContext) async throws -> Response {
        let identity = try context.require(.customer)
        return try await markAsUsed(customer: try identity.userID.orThrow(APIError.forbidden()), request: request, context: context)
    }

    /// Sets the used flag of every listed coupon, all or none: a row that is incomplete or names no purchase of
    /// that customer, campaign and code refuses the whole request.
    private func markAsUsed(customer: UUID?, request: Request, context: StoreContext) async throws -> Response {
        let rows = try CouponUsage.rows(try await context.input(from: request), customer: customer)
        let storeID = context.store.id
        let results = try await context.runtime.pool.transaction { tx in
            var results: [CouponUsage.Result] = []
            for (index, row) in rows.enumerated() {
                guard let purchase = try await PurchaseRepository.find(on: tx, storeID: storeID, id: row.couponID),
                      purchase.customerID == row.customerID, purchase.campaignID == row.campaignID, purchase.code == row.code
                else { throw CouponUsage.notFound(row: index, customerScoped: customer != nil) }
                try await PurchaseRepository.setUsed(on: tx, storeID: storeID, id: purchase.id, used: row.used, transactionID: row.transactionID)
                try await PurchaseEvents.appendChanged(
                    row.used ? PurchaseEvents.used : PurchaseEvents.unused, couponID: purchase.id, storeID: storeID,
                    actor: Actor(context.identity, ip: context.clientAddress), on: tx
                )
                results.append(.init(name: row.code, used: row.used, campaignId: row.campaignID.text, customerId: row.customerID.text))
            }
            return results
        }
        struct Envelope: Encodable { let coupons: [CouponUsage.Result] }
        return try Response.json(Envelope(coupons: results))
    }

    /// CMP-28: `deliveryStatus[status]` of the customer's bought coupon.
    @Sendable func changeDeliveryStatus(_ request: Request, context: StoreContext) async throws -> Response {
        try await context.requireAdmin(.rewardCampaign, .modify)
        let customerID = try context.uuidParameter("customer"), couponID = try context.uuidParameter("coupon")
        let input = try await context.inputIncludingQuery(from: request)
        guard let status = (input["deliveryStatus"]?["status"] ?? input["status"])?.trimmedText else {
            throw APIError.domain("Delivery status is required and can't be empty!")
        }
        guard Purchase.deliveryStatuses.contains(status) else {
            throw APIError.domain("Delivery status must be one of: canceled, delivered, ordered, shipped")
        }
        let actor = Actor(context.identity, ip: context.clientAddress)
        try await context.runtime.pool.transaction { tx in
            guard try await PurchaseRepository.setDeliveryStatus(on: tx, storeID: context.store.id, id: couponID, customerID: customerID, status: status)
            else { throw APIError.notFound }
            try await PurchaseEvents.appendChanged(PurchaseEvents.deliveryChanged, couponID: couponID, storeID: context.store.id, actor: actor, on: tx)
        }
        return try Response.json(["success": "Delivery status changed!"])
    }
}
