import Customers
import Foundation
import Postgres

/// Which campaigns a customer can buy now, and how much of each is left for them: the offers lists
/// (CMP-16, CMP-25, CMP-27) and the Okendo redemption rules tailored to a customer (M6, S12).
enum CampaignOffers {
    struct Offered: Sendable {
        /// The campaigns the customer can buy, in the candidates' order.
        let campaigns: [Campaign]
        let offers: [UUID: CustomerOffer]
    }

    /// Of `candidates`, those active and visible now, aimed at the customer (unless `ignoringTargets`), with usage left
    /// globally and for the customer; `points` decides whether the customer can afford each.
    static func available(
        on db: some PostgresQueryable, storeID: UUID, customer: CustomerSummary, candidates: [Campaign], points: Amount,
        ignoringTargets: Bool = false, now: Date = Date()
    ) async throws -> Offered {
        let segments = Set(try await CustomersLibrary.segmentIDs(on: db, storeID: storeID, customerID: customer.id))
        let running = candidates.filter { campaign in
            campaign.isActive(at: now) && campaign.isVisible(at: now)
                && (ignoringTargets || campaign.targets(level: customer.levelID, segments: segments))
        }
        let usage = try await CampaignRepository.usage(on: db, storeID: storeID, ids: running.map(\.id))
        let bought = try await PurchaseRepository.purchasesByCustomer(on: db, storeID: storeID, customerID: customer.id)
        var offers: [UUID: CustomerOffer] = [:]
        let available = running.filter { campaign in
            let used = usage[campaign.id] ?? CampaignUsage()
            let left = used.usageLeft(campaign, customerPurchases: bought[campaign.id] ?? 0)
            offers[campaign.id] = CustomerOffer(usageLeftForCustomer: left, canBeBoughtByCustomer: points >= campaign.costInPoints)
            return used.usageLeft(campaign) > 0 && left > 0
        }
        return Offered(campaigns: available, offers: offers)
    }
}
