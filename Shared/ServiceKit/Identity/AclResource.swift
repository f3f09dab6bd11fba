/// An ACL resource: what a role permission grants `VIEW` or `MODIFY` on (`GET /api/admin/acl/resources`).
///
/// The canonical list of the suite. Every admin endpoint of every service declares one of these with
/// `requireAdmin(.level, .view)`; roles may only grant codes listed in `AclResource.all`.
public struct AclResource: Sendable, Hashable, Codable {
    /// The code stored in role permissions and sent by clients, e.g. `LEVEL`.
    public let code: String
    /// The name the admin cockpit shows, e.g. `Levels`.
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    /// Customer exports of levels and segments (`/csv/level`, `/csv/segment`).
    public static let segmentExport = AclResource(code: "SEGMENT_EXPORT", name: "Utilities")
    /// Earning rules (`/earningRule…`).
    public static let earningRule = AclResource(code: "EARNING_RULE", name: "Earning rules")
    /// Levels (`/level…`).
    public static let level = AclResource(code: "LEVEL", name: "Levels")
    /// Transactions (`/transaction…`, `/admin/transaction…`).
    public static let transaction = AclResource(code: "TRANSACTION", name: "Transactions")
    /// Sellers (`/seller…` administration).
    public static let seller = AclResource(code: "SELLER", name: "Sellers")
    /// Admin users (`/api/admin`, `/api/admin/data…`).
    public static let admin = AclResource(code: "ADMIN", name: "Admin users")
    /// Roles and permissions (`/api/admin/acl/…`).
    public static let acl = AclResource(code: "ACL", name: "Roles and permissions")
    /// Analytics (`/admin/analytics/…`).
    public static let analytics = AclResource(code: "ANALYTICS", name: "Analytics")
    /// Points of sale (`/pos…`).
    public static let pos = AclResource(code: "POS", name: "POS")
    /// Points transfers (`/points/transfer…`, `/admin/ledger/verify`).
    public static let pointTransfer = AclResource(code: "POINT_TRANSFER", name: "Points transfers")
    /// Segments (`/segment…`).
    public static let segment = AclResource(code: "SEGMENT", name: "Segments")
    /// Program settings, e-mail templates, translations (`/settings…`, `/admin/translations…`).
    public static let settings = AclResource(code: "SETTINGS", name: "Settings")
    /// Customers and invitations (`/admin/customer…`, `/customer…` administration, platform customer upsert).
    public static let customer = AclResource(code: "CUSTOMER", name: "Customers")
    /// Reward campaigns, their categories and purchases (`/campaign…`, `/campaignCategory…`).
    public static let rewardCampaign = AclResource(code: "REWARD_CAMPAIGN", name: "Reward campaigns")
    /// The audit log and the event log (`/api/audit/…`, `/api/event…`).
    public static let audit = AclResource(code: "AUDIT", name: "Audit log")
    /// Stores, the tenants (`/api/store…`).
    public static let store = AclResource(code: "STORE", name: "Stores")
    /// Merchant API credentials of a store (`/api/store/{store}/api_credentials…`).
    public static let apiCredentials = AclResource(code: "API_CREDENTIALS", name: "Merchant API credentials")
    /// Products and reviews, moderated from the admin side.
    public static let review = AclResource(code: "REVIEW", name: "Reviews")
    /// Webhook subscriptions and their deliveries.
    public static let webhook = AclResource(code: "WEBHOOK", name: "Webhooks")

    /// Every resource, in the order `GET /api/admin/acl/resources` lists them (Open Loyalty's order first).
    public static let all: [AclResource] = [
        segmentExport, earningRule, level, transaction, seller, admin, acl, analytics, pos, pointTransfer,
        segment, settings, customer, rewardCampaign, audit, store, apiCredentials, review, webhook,
    ]

    /// The resource with this code, nil for an unknown code.
    public static func named(_ code: String) -> AclResource? {
        all.first { $0.code == code }
    }
}

extension IdentifiedContext {
    /// `requireAdmin` with a resource of the canonical list: `try await context.requireAdmin(.level, .modify)`.
    @discardableResult
    public func requireAdmin(_ resource: AclResource, _ access: Access) async throws -> Identity {
        try await requireAdmin(resource.code, access)
    }
}
