import AsyncHTTPClient
import GatewayKit
import NIOCore
import NIOHTTP1
import Testing

@Suite("Replica affinity and failover")
struct AffinityAndFailoverTests {
    /// A store-scoped ledger endpoint.
    static func ledgerPath(store: String) -> String { "/api/\(store)/earningRule" }

    @Test("one tenant's requests all go to the same replica, the one rendezvous hashing picks")
    func tenantAffinity() async throws {
        try await withGateway(replicaCounts: [.ledger: 3]) { gateway in
            var seen: Set<String> = []
            for _ in 0..<50 {
                let response = try await gateway.send(.GET, Self.ledgerPath(store: "STORE-A"))
                #expect(response.status == 200)
                seen.insert(response.replica ?? "none")
            }
            #expect(seen.count == 1)
            let expected = try #require(Self.rankedReplicaNames(gateway, key: "STORE-A").first)
            #expect(seen == [expected])
        }
    }

    @Test("different tenants spread over the replicas")
    func tenantsSpread() async throws {
        try await withGateway(replicaCounts: [.ledger: 3]) { gateway in
            var seen: Set<String> = []
            for index in 0..<30 {
                let response = try await gateway.send(.GET, Self.ledgerPath(store: "STORE-\(index)"))
                seen.insert(response.replica ?? "none")
            }
            #expect(seen.count > 1)
            #expect(!seen.contains("none"))
        }
    }

    @Test("when a tenant's replica stops, its GETs and POSTs fail over to the next replica")
    func failover() async throws {
        try await withGateway(replicaCounts: [.ledger: 3]) { gateway in
            let ranked = Self.rankedReplicaNames(gateway, key: "STORE-F")
            let before = try await gateway.send(.GET, Self.ledgerPath(store: "STORE-F"))
            #expect(before.replica == ranked[0])

            await Self.stop(gateway, ranked[0])

            for _ in 0..<5 {
                let response = try await gateway.send(.GET, Self.ledgerPath(store: "STORE-F"))
                #expect(response.status == 200)
                #expect(response.replica == ranked[1], "next replica in rendezvous order")
            }
            let json = #"{"points":125,"reason":"failover test"}"#
            let post = try await gateway.send(
                .POST, "/api/STORE-F/points/transfer/add",
                headers: [("Content-Type", "application/json")],
                body: .bytes(ByteBuffer(string: json))
            )
            #expect(post.status == 200)
            #expect(post.replica == ranked[1])
            #expect(post.text == json, "the body reached the replica that answered")
        }
    }

    @Test("a POST body survives failover on its very first attempt")
    func postFailoverOnFirstAttempt() async throws {
        try await withGateway(replicaCounts: [.ledger: 2]) { gateway in
            let ranked = Self.rankedReplicaNames(gateway, key: "STORE-P")
            await Self.stop(gateway, ranked[0])
            let json = #"{"points":7}"#
            let post = try await gateway.send(
                .POST, "/api/STORE-P/points/transfer/add",
                headers: [("Content-Type", "application/json")],
                body: .bytes(ByteBuffer(string: json))
            )
            #expect(post.status == 200)
            #expect(post.replica == ranked[1])
            #expect(post.text == json)
        }
    }

    @Test("with every replica stopped the gateway answers 503 JSON")
    func allReplicasDown() async throws {
        try await withGateway(replicaCounts: [.ledger: 3]) { gateway in
            for server in gateway.replicas[.ledger] ?? [] { await server.stop() }
            for attempt in 0..<2 {  // the second time every replica is already marked down
                let response = try await gateway.send(.GET, Self.ledgerPath(store: "STORE-X"))
                #expect(response.status == 503, "attempt \(attempt)")
                #expect(response.text == #"{"error":{"code":503,"message":"Service Unavailable"}}"#)
                #expect(response.header("content-type") == "application/json")
            }
        }
    }

    @Test("an upstream slower than UPSTREAM_TIMEOUT gives 504 JSON")
    func readTimeout() async throws {
        try await withGateway(configure: { $0.upstreamTimeout = .milliseconds(300) }) { gateway in
            let response = try await gateway.send(.GET, Self.ledgerPath(store: "STORE-T") + "?delay=2")
            #expect(response.status == 504)
            #expect(response.text == #"{"error":{"code":504,"message":"Gateway Timeout"}}"#)
            #expect(response.header("content-type") == "application/json")
        }
    }

    @Test("an upstream that accepts the connection and hangs up gives 502 JSON")
    func brokenUpstream() async throws {
        let hangingUp = try await HangingUpUpstream.start()
        try await withGateway(configure: { $0.upstreams[.reviews] = .list([Replica(baseURL: hangingUp.baseURL)]) }) {
            gateway in
            let response = try await gateway.send(.GET, "/enterprise/reviews")
            #expect(response.status == 502)
            #expect(response.text == #"{"error":{"code":502,"message":"Bad Gateway"}}"#)
        }
        await hangingUp.stop()
    }

    @Test("a lost connection is retried on another replica only for a safe request without a body")
    func lostConnectionRetryPolicy() async throws {
        let hangingUp = try await HangingUpUpstream.start()
        try await withGateway(configure: { configuration in
            guard case .list(let replicas) = configuration.upstreams[.ledger] else { return }
            configuration.upstreams[.ledger] = .list([Replica(baseURL: hangingUp.baseURL)] + replicas)
        }) { gateway in
            guard case .list(let replicas) = gateway.configuration.upstreams[.ledger] else { return }
            // A tenant whose first choice is the replica that hangs up.
            let store = try #require(
                (0..<100).map { "HANG-\($0)" }.first { RendezvousHash.rank(replicas, forKey: $0).first?.baseURL == hangingUp.baseURL }
            )
            let get = try await gateway.send(.GET, Self.ledgerPath(store: store))
            #expect(get.status == 200)
            #expect(get.replica == "ledger-1")

            let post = try await gateway.send(
                .POST, "/api/\(store)/points/transfer/add", body: .bytes(ByteBuffer(string: #"{"points":1}"#))
            )
            #expect(post.status == 502, "the replica may have acted on the POST: not repeated")
            #expect(post.text == #"{"error":{"code":502,"message":"Bad Gateway"}}"#)
        }
        await hangingUp.stop()
    }

    @Test("dns:// upstreams are resolved to their addresses")
    func dnsUpstream() async throws {
        try await withGateway(configure: { configuration in
            // localhost resolves to 127.0.0.1, where the replica listens (and maybe ::1: refused, so failover).
            guard case .list(let replicas) = configuration.upstreams[.ledger],
                let port = replicas.first?.baseURL.split(separator: ":").last.flatMap({ Int($0) })
            else { throw TestSetupError(description: "expected a ledger replica list") }
            configuration.upstreams[.ledger] = .dns(host: "localhost", port: port)
        }) { gateway in
            #expect(gateway.configuration.upstreams[.ledger] != gateway.replicas[.ledger].map { servers in
                .list(servers.map { Replica(baseURL: $0.baseURL) })
            })
            for index in 0..<5 {
                let response = try await gateway.send(.GET, Self.ledgerPath(store: "DNS-\(index)"))
                #expect(response.status == 200)
                #expect(response.replica == "ledger-1")
            }
        }
    }

    /// Replica names of the harness's ledger service in rendezvous order for `key`.
    static func rankedReplicaNames(_ gateway: GatewayHarness, key: String) -> [String] {
        let servers = gateway.replicas[.ledger] ?? []
        let names = Dictionary(uniqueKeysWithValues: servers.enumerated().map { ($1.baseURL, "ledger-\($0 + 1)") })
        return RendezvousHash.rank(servers.map { Replica(baseURL: $0.baseURL) }, forKey: key).compactMap { names[$0.baseURL] }
    }

    static func stop(_ gateway: GatewayHarness, _ name: String) async {
        await gateway.replica(named: name)?.stop()
    }
}
