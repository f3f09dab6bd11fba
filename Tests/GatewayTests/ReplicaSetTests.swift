import GatewayKit
import Testing

@Suite("Replica sets and rendezvous hashing")
struct ReplicaSetTests {
    static let replicas = (1...4).map { Replica(baseURL: "http://10.0.0.\($0):8080") }

    @Test("a marked-down replica moves to the end of the order until the mark expires")
    func downMarksExpire() {
        let set = ReplicaSet(service: "ledger", replicas: Self.replicas, downDuration: .seconds(10))
        let now = ContinuousClock.now
        let order = set.failoverOrder(forKey: "STORE-A", now: now)
        set.markDown(order[0], now: now)

        #expect(set.isMarkedDown(order[0], now: now + .seconds(9)))
        #expect(set.failoverOrder(forKey: "STORE-A", now: now + .seconds(9)) == Array(order.dropFirst()) + [order[0]])
        #expect(!set.isMarkedDown(order[0], now: now + .seconds(11)))
        #expect(set.failoverOrder(forKey: "STORE-A", now: now + .seconds(11)) == order)
    }

    @Test("replacing members keeps the marks of replicas that remain")
    func replaceKeepsMarks() {
        let set = ReplicaSet(service: "ledger", replicas: Self.replicas, downDuration: .seconds(10))
        set.markDown(Self.replicas[0])
        set.markDown(Self.replicas[1])
        set.replace(with: [Self.replicas[0], Self.replicas[2]])
        #expect(set.replicas == [Self.replicas[0], Self.replicas[2]])
        #expect(set.isMarkedDown(Self.replicas[0]))
        #expect(!set.isMarkedDown(Self.replicas[1]))
    }

    @Test("removing a replica only moves the keys it owned")
    func minimalDisruption() {
        let keys = (0..<500).map { "STORE-\($0)" }
        let before = Dictionary(uniqueKeysWithValues: keys.map { ($0, RendezvousHash.rank(Self.replicas, forKey: $0)[0]) })
        let removed = Self.replicas[2]
        let remaining = Self.replicas.filter { $0 != removed }
        for key in keys where before[key] != removed {
            #expect(RendezvousHash.rank(remaining, forKey: key)[0] == before[key], "\(key)")
        }
        let owners = Dictionary(grouping: keys) { before[$0]?.baseURL ?? "" }
        #expect(owners.count == Self.replicas.count, "every replica owns some keys")
        #expect(owners.values.allSatisfy { $0.count > 60 }, "roughly even spread")
    }

    @Test("the order is deterministic and independent of the list order")
    func deterministic() {
        let forward = RendezvousHash.rank(Self.replicas, forKey: "STORE-A")
        #expect(RendezvousHash.rank(Self.replicas.reversed(), forKey: "STORE-A") == forward)
        #expect(Set(forward) == Set(Self.replicas))
    }
}

@Suite("Tenant resolution")
struct TenantResolverTests {
    let table: RouteTable

    init() throws {
        table = try RouteTable.bundled()
    }

    func tenant(_ method: String, _ path: String, authorization: String? = nil) throws -> Tenant? {
        TenantResolver.resolve(try #require(table.match(method: method, path: path)), authorization: authorization)
    }

    @Test("each family's tenant and header")
    func families() throws {
        #expect(try tenant("GET", "/api/DEMO/campaign") == Tenant(kind: .storeCode, key: "DEMO"))
        #expect(try tenant("GET", "/v1/stores/sub-1/loyalty/faq") == Tenant(kind: .subscriberID, key: "sub-1"))
        #expect(try tenant("GET", "/enterprise/reviews", authorization: "basic bTE6a2V5") == Tenant(kind: .merchantUser, key: "m1"))
        let jwt = TenantTests.unsignedJWT(claims: #"{"store":"S9"}"#)
        #expect(try tenant("GET", "/v1/loyalty/transactions", authorization: "Bearer \(jwt)") == Tenant(kind: .storeCode, key: "S9"))
        #expect(try tenant("GET", "/api/healthcheck") == nil)
        #expect(try tenant("GET", "/api/store/abc") == nil, "{store} is a resource, not the tenant")
        #expect(Tenant.Kind.storeCode.headerName == "X-Tenant-Store-Code")
        #expect(Tenant.Kind.subscriberID.headerName == "X-Tenant-Subscriber-Id")
        #expect(Tenant.Kind.merchantUser.headerName == "X-Tenant-Merchant-User")
    }

    @Test("unusable credentials give no tenant")
    func unusableCredentials() throws {
        let loyalty = "/v1/loyalty/transactions"
        #expect(try tenant("GET", loyalty) == nil)
        #expect(try tenant("GET", loyalty, authorization: "Bearer not-a-jwt") == nil)
        #expect(try tenant("GET", loyalty, authorization: "Bearer \(TenantTests.unsignedJWT(claims: #"{"sub":"x"}"#))") == nil)
        #expect(try tenant("GET", loyalty, authorization: "Bearer \(TenantTests.unsignedJWT(claims: #"{"store":"a\r\nb"}"#))") == nil)
        #expect(try tenant("GET", loyalty, authorization: "Basic bTE6a2V5") == nil)
        #expect(try tenant("GET", "/enterprise/reviews", authorization: "Basic %%%") == nil)
        #expect(try tenant("GET", "/enterprise/reviews", authorization: "Bearer x.y.z") == nil)
    }
}
