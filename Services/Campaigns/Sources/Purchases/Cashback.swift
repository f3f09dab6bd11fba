import Customers
import Foundation
import Postgres
import ServiceKit

/// Cashback: points exchanged for money at the `pointValue` of a cashback campaign (CMP-01…CMP-04).
enum Cashback {
    /// The cashback campaign that applies to the customer: the running cashback campaign aimed at them with
    /// the highest point value (appendix), or the one asked for when it applies. Nil when none applies.
    static func campaign(
        on db: some PostgresQueryable, storeID: UUID, customer: CustomerSummary, requested: UUID?, now: Date = Date()
    ) async throws -> Campaign? {
        let segments = Set(try await CustomersLibrary.segmentIDs(on: db, storeID: storeID, customerID: customer.id))
        let applicable = try await CampaignRepository.list(on: db, storeID: storeID, where: "c.active AND c.reward = 'cashback'", page: nil)
            .campaigns.filter { $0.isActive(at: now) && $0.targets(level: customer.levelID, segments: segments) }
        if let requested { return applicable.first { $0.id == requested } }
        return applicable.max { ($0.pointValue ?? .zero) < ($1.pointValue ?? .zero) }
    }

    /// What `points` are worth at the campaign's point value.
    static func rewardAmount(points: Amount, campaign: Campaign) -> Amount {
        points.multiplied(by: campaign.pointValue ?? .zero)
    }

    /// `{"error": "cashback not available"}`.
    static let notAvailable = APIError.domain("cashback not available")

    /// The provider's report on a payout (CMP-04): `orderId` is `<customerId>_<couponId>`.
    struct Report: Encodable, Sendable {
        let couponId: String
        let id: String
        let customerId: String
        let code: String
        let message: String
        let provider: String
        let failed: Bool

        /// Statuses a provider reports for a payout it did not make.
        static let failures: Set<String> = ["FAILURE", "FAILED", "REJECTED", "DECLINED", "CANCELLED", "CANCELED", "ERROR"]

        init?(provider: String, payload: FormValue) {
            guard let orderID = payload["orderId"]?.trimmedText else { return nil }
            let parts = orderID.split(separator: "_", maxSplits: 1).map(String.init)
            guard parts.count == 2, UUID(uuidString: parts[0]) != nil, UUID(uuidString: parts[1]) != nil else { return nil }
            let code = payload["statusCode"]?.trimmedText ?? payload["status"]?.trimmedText ?? ""
            self.couponId = parts[1].lowercased()
            self.id = orderID
            self.customerId = parts[0].lowercased()
            self.code = code
            self.message = payload["statusMessage"]?.trimmedText ?? code
            self.provider = provider
            self.failed = code.isEmpty || Self.failures.contains(code.uppercased())
        }
    }
}
