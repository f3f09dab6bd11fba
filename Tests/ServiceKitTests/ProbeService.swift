import Foundation
import Hummingbird
import Postgres
import ServiceKit
import TestSupport

/// A small service exercising every part of ServiceKit, so ServiceKit is tested through real HTTP.
enum ProbeService {
    static let viewer = UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!
    static let modifier = UUID(uuidString: "00000000-0000-4000-8000-00000000000b")!
    static let permanentToken = "permanent-token-of-an-external-admin"

    static let definition = ServiceDefinition(
        name: "probe", defaultPort: 0, migrations: AllMigrations.sets,
        credentials: { pool in ProbeCredentials(pool: pool) },
        routes: { router, _ in addRoutes(router) }
    )

    static let personForm: FormSchema = ["name", "email", .compound("address", ["street", "city"])]

    struct Failure: Error {}

    static func addRoutes(_ router: Router<ServiceContext>) {
        router.post("probe/echo") { request, context in
            let input = try await context.inputIncludingQuery(from: request)
            return Response.json(bytes: Array(input.description.utf8))
        }
        router.post("probe/person") { request, context in
            let input = try await context.input(from: request)
            let person = input["person"]
            var errors = FormErrors(schema: personForm)
            if person?["name"]?.isBlank ?? true { errors.add(FormMessage.notBlank, at: "name") }
            if let email = person?["email"]?.string, !email.contains("@") { errors.add(FormMessage.invalidEmail, at: "email") }
            if person?["address"]?["city"]?.isBlank ?? true { errors.add(FormMessage.notBlank, at: "address", "city") }
            guard errors.isEmpty else { throw errors }
            return try Response.json(["name": person?["name"]?.string ?? ""])
        }
        router.get("probe/crash") { _, _ -> Response in throw Failure() }
        router.get("probe/numbers") { request, context in
            let pagination = try Pagination(
                try context.queryInput(of: request), sortable: ["value": "n", "square": "n * n"], defaultSort: "value"
            )
            let rows = try await context.runtime.pool.query(
                "SELECT n AS id, n FROM generate_series(1, 25) AS n" + pagination.orderAndLimit()
            )
            let values = try rows.map { try $0.decode(Int.self, "n") }
            return try Response.json(ListEnvelope("numbers", items: values, total: 25))
        }
        let store = router.storeGroup()
        store.get("probe/whoami") { _, context in try Response.json(WhoAmI(context)) }
        store.get("probe/levels") { _, context in
            try await context.requireAdmin("LEVEL", .view)
            return try Response.json(["levels": [String]()])
        }
        store.post("probe/levels") { _, context in
            try await context.requireAdmin("LEVEL", .modify)
            return Response.noContent
        }
        router.merchantGroup().get("probe/whoami") { _, context in try Response.json(WhoAmI(context)) }
        router.subscriberGroup().get("probe/whoami") { _, context in try Response.json(WhoAmI(context)) }
    }

    struct WhoAmI: Encodable {
        let store: String
        let kind: String?
        let user: String?

        init(_ context: StoreContext) {
            store = context.store.code
            kind = context.identity?.kind.rawValue
            user = context.identity?.userID?.uuidString.lowercased() ?? context.identity?.merchantUser
        }
    }
}

/// Credentials the probe accepts: one permanent token, one merchant, two admins with LEVEL grants.
struct ProbeCredentials: CredentialStore {
    let pool: PostgresPool

    func admin(permanentToken: String) async throws -> Identity? {
        permanentToken == ProbeService.permanentToken ? Identity(kind: .admin, userID: ProbeService.modifier) : nil
    }

    func merchant(userID: String, apiKey: String) async throws -> Identity? {
        guard userID == "merchant-1", apiKey == "s3cret" else { return nil }
        let store = try await pool.query("SELECT id FROM auth.stores WHERE code = 'DEFAULT'").scalar(UUID.self)
        return Identity(kind: .merchant, storeID: store, merchantUser: userID)
    }

    func permissions(ofAdmin adminID: UUID) async throws -> AdminPermissions {
        switch adminID {
        case ProbeService.viewer: AdminPermissions(grants: ["LEVEL": [.view]])
        case ProbeService.modifier: AdminPermissions(grants: ["LEVEL": [.modify]])
        default: .none
        }
    }

    func isActive(_ identity: Identity) async throws -> Bool { true }
}
