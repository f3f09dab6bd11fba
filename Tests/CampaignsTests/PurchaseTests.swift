import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Buying campaigns and using coupons (CMP-08, CMP-09, CMP-16, CMP-17, CMP-25…28, CC-01, CC-02, CC-05…08)")
struct PurchaseTests {
    @Test("Buying spends points, hands out codes in order, counts limits, and a refusal writes nothing")
    func buyingAndLimits() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(cost: "10", level: gold, coupons: ["A1", "A2", "A3"], limits: (2, 1), extra: "&campaign[daysInactive]=2&campaign[daysValid]=5")
            let jane = try await api.customer(levelID: gold), john = try await api.customer(levelID: gold), ann = try await api.customer(levelID: gold)
            try await api.add("25", to: jane)

            let bought = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/\(id)/buy")
            #expect(bought.status == .ok, "\(bought.text)")
            let coupons = try #require(try bought.object()["coupons"] as? [[String: String]])
            #expect(coupons.map { $0["code"] } == ["A1"])
            #expect(try await api.available(jane) == "15.00")
            #expect(try await ThreeServices.admin(api.ledger, .get, "/api/DEFAULT/admin/customer/\(jane.text)/status").object()["points"] as? Double == 15)

            let again = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/\(id)/buy")
            #expect(again.status == .badRequest)
            #expect(try again.object()["error"] as? String == "Limit per customer exceeded")
            let poor = try await api.asCustomer(john, .post, "/api/DEFAULT/customer/campaign/\(id)/buy")
            #expect(try poor.object()["error"] as? String == "Not enough points")
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.purchases").scalar(Int.self) == 1)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.coupons WHERE issued").scalar(Int.self) == 1)

            let given = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/customer/\(john.text)/campaign/\(id)/buy?withoutPoints=true")
            #expect(try given.object()["coupons"] as? [[String: String]] != nil, "\(given.text)")
            let full = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/customer/\(ann.text)/campaign/\(id)/buy?withoutPoints=true")
            #expect(try full.object()["error"] as? String == "Limit exceeded")

            // Jane's purchase: cost, coupon id, inactive for two days, valid five days after.
            let mine = try await api.asCustomer(jane, .get, "/api/DEFAULT/customer/campaign/bought?includeDetails=1").object()
            #expect(mine["total"] as? Int == 1)
            let purchase = try #require((mine["campaigns"] as? [[String: Any]])?.first)
            #expect(purchase["costInPoints"] as? Int == 10)
            #expect(purchase["used"] as? Bool == false)
            #expect(purchase["status"] as? String == "inactive")
            #expect(purchase["canBeUsed"] as? Bool == false)
            #expect((purchase["coupon"] as? [String: String])?["code"] == "A1")
            #expect((purchase["campaignId"] as? [String: String])?["campaignId"] == id)
            let embedded = try #require(purchase["campaign"] as? [String: Any])
            #expect(embedded["coupons"] == nil && embedded["name"] as? String == "Ten off")
            let since = try #require(purchase["activeSince"] as? String), until = try #require(purchase["activeTo"] as? String)
            #expect(since < until)

            // The store-wide list: buyer, balance before the purchase, campaign name and type.
            let all = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/bought?sort=purchasedAt").object()
            #expect(all["total"] as? Int == 2)
            let first = try #require((all["boughtCampaigns"] as? [[String: Any]])?.first)
            #expect(first["customerId"] as? String == jane.text)
            #expect(first["currentPointsAmount"] as? Int == 25)
            #expect(first["campaignName"] as? String == "Ten off")
            #expect(first["campaignType"] as? String == "discount_code")
            #expect((first["deliveryStatus"] as? [String: String]) == ["status": ""])
            let campaign = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(campaign["usageLeft"] as? Int == 0)
            #expect(campaign["usersWhoUsedThisCampaignCount"] as? Int == 2)

            // The ledger counts the rewards a customer claimed (Okendo S7).
            let details = try await api.ledger.execute(
                uri: "/v1/loyalty/customer_details", method: .get,
                headers: [.authorization: "Bearer \(try await TestTokens.token(.storefront, userID: jane, store: "DEFAULT"))"]
            ) { $0 }
            #expect((try details.object()["loyaltyCustomer"] as? [String: Any])?["rewardsClaimed"] as? Int == 1, "\(details.text)")

            let csv = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/bought/export/csv")
            let lines = csv.text.split(separator: "\n").map(String.init)
            #expect(lines.first == #"0.Name,1.Date,2.Cost,"3.Tax value",4.email,5.phone,6.Firstname,7.Surname,"8.Points balance","9.Is used""#)
            #expect(lines.count == 3)
            #expect(lines[1].hasPrefix("\"Ten off\",\"") && lines[1].hasSuffix(",Jane,Doe,25,"))
        }
    }

    @Test("A buy retried with the same Idempotency-Key replays the first answer and spends once")
    func idempotentBuy() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(cost: "10", level: gold, coupons: ["A1", "A2"])
            let jane = try await api.customer(levelID: gold)
            try await api.add("30", to: jane)
            let token = try await TestTokens.token(.customer, userID: jane, store: "DEFAULT")
            var responses: [TestResponse] = []
            for _ in 0..<2 {
                responses.append(try await api.campaigns.execute(
                    uri: "/api/DEFAULT/customer/campaign/\(id)/buy", method: .post,
                    headers: [.authorization: "Bearer \(token)", HTTPField.Name("Idempotency-Key")!: "buy-1"]
                ) { $0 })
            }
            #expect(responses.map(\.text) == [responses[0].text, responses[0].text])
            #expect(responses[1].headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await api.available(jane) == "20.00")
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.purchases").scalar(Int.self) == 1)
        }
    }

    @Test("Customers and sellers buy only what is aimed at the customer; other stores cannot buy it")
    func targetingAndTenancy() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100"), silver = try await api.level("Silver", condition: "10")
            let id = try await api.campaign(cost: "0", level: gold)
            let paid = try await api.campaign(name: "Paid", cost: "5", level: gold, coupons: ["P1"])
            let blocked = try await api.customer(levelID: gold, status: "blocked")
            try await api.add("10", to: blocked)
            let refused = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/customer/\(blocked.text)/campaign/\(paid)/buy")
            #expect(try refused.object()["error"] as? String == "Not allowed", "statuses that may not spend points")
            #expect(try await api.available(blocked) == "10.00")
            let outsider = try await api.customer(levelID: silver)
            #expect(try await api.asCustomer(outsider, .post, "/api/DEFAULT/customer/campaign/\(id)/buy").status == .notFound)
            let seller = try await api.campaigns.execute(
                uri: "/api/DEFAULT/seller/customer/\(outsider.text)/campaign/\(id)/buy", method: .post,
                headers: [.authorization: "Bearer \(try await TestTokens.token(.seller, store: "DEFAULT", roles: ["ROLE_SELLER"]))"]
            ) { $0 }
            #expect(seller.status == .notFound)
            _ = try await api.pool.query("INSERT INTO auth.stores (code, name, currency) VALUES ('OTHER', 'Other', 'EUR') RETURNING id")
            let stranger = try await api.customer(store: "OTHER")
            #expect(try await ThreeServices.admin(api.campaigns, .post, "/api/OTHER/admin/customer/\(stranger.text)/campaign/\(id)/buy").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .post, "/api/OTHER/admin/customer/\(outsider.text)/campaign/\(id)/buy").status == .notFound)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.purchases").scalar(Int.self) == 0)
        }
    }

    @Test("Concurrent buyers of a five-code pool: exactly five get distinct codes, the rest are told no coupons are left")
    func concurrentBuyers() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(cost: "1", level: gold, coupons: ["C1", "C2", "C3", "C4", "C5"])
            var buyers: [UUID] = []
            for _ in 0..<20 {
                let customer = try await api.customer(levelID: gold)
                try await api.add("1", to: customer)
                buyers.append(customer)
            }
            let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for buyer in buyers {
                    group.addTask {
                        let response = try await api.asCustomer(buyer, .post, "/api/DEFAULT/customer/campaign/\(id)/buy")
                        return (Int(response.status.code), response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.0 == 200 }.count == 5)
            #expect(results.filter { $0.0 == 400 && $0.1.contains("No coupons left") }.count == 15)
            let codes = try await api.pool.query("SELECT code FROM campaigns.purchases ORDER BY code").map { try $0.decode(String.self, at: 0) }
            #expect(codes == ["C1", "C2", "C3", "C4", "C5"])
            let counters = try await api.pool.query("SELECT purchases_count || ' ' || buyers_count || ' ' || free_coupons FROM campaigns.campaigns")
            #expect(try counters.firstRow?.decode(String.self, at: 0) == "5 5 0", "the counters kept on the campaign follow the purchases")
            #expect(try await api.pool.query("SELECT count(*) FROM ledger.accounts WHERE available = 0").scalar(Int.self) == 5)
        }
    }

    @Test("Concurrent buys of an unlimited shared code count every unit and each buyer once")
    func concurrentSharedCode() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(cost: "0", level: gold, coupons: ["SHARED"], extra: "&campaign[singleCoupon]=1")
            let buyers = [try await api.customer(levelID: gold), try await api.customer(levelID: gold)]
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask { Int(try await api.asCustomer(buyers[index % 2], .post, "/api/DEFAULT/customer/campaign/\(id)/buy").status.code) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 12))
            let counters = try await api.pool.query("SELECT purchases_count || ' ' || buyers_count FROM campaigns.campaigns")
            #expect(try counters.firstRow?.decode(String.self, at: 0) == "12 2")
            #expect(try await api.pool.query("SELECT sum(units) FROM campaigns.campaign_buyers").scalar(Int.self) == 12)
            let campaign = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(campaign["usersWhoUsedThisCampaignCount"] as? Int == 2)
        }
    }

    @Test("A seller sees a customer's offers, buys for them with their points, and lists their purchases (CMP-25, CMP-26, CC-08)")
    func sellerFlow() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(name: "Seller pick", cost: "4", level: gold, coupons: ["K1", "K2"])
            let jane = try await api.customer(levelID: gold)
            try await api.add("10", to: jane)
            let offers = try await api.asSeller(.get, "/api/DEFAULT/seller/customer/\(jane.text)/campaign/available").object()
            let offer = try #require((offers["campaigns"] as? [[String: Any]])?.first)
            #expect(offer["campaignId"] as? String == id && offer["canBeBoughtByCustomer"] as? Bool == true)
            #expect(offer["daysValid"] == nil && offer["translations"] == nil, "the seller's field set")
            let bought = try await api.asSeller(.post, "/api/DEFAULT/seller/customer/\(jane.text)/campaign/\(id)/buy?quantity=2").object()
            #expect((bought["coupons"] as? [[String: String]])?.map { $0["code"] } == ["K1", "K2"])
            #expect(try await api.available(jane) == "2.00")
            let listed = try await api.asSeller(.get, "/api/DEFAULT/seller/customer/\(jane.text)/campaign/bought?includeDetails=1&sort=used&direction=DESC").object()
            #expect(listed["total"] as? Int == 2)
            #expect(((listed["campaigns"] as? [[String: Any]])?.first?["campaign"] as? [String: Any])?["name"] as? String == "Seller pick")
            #expect(try await api.asSeller(.get, "/api/DEFAULT/seller/customer/\(UUID().text)/campaign/bought").status == .notFound)
            #expect(try await api.asCustomer(jane, .get, "/api/DEFAULT/seller/customer/\(jane.text)/campaign/bought").status == .forbidden)
        }
    }

    @Test("Offers: what the customer can buy now, with usage left for them and whether they can afford it")
    func offers() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100"), silver = try await api.level("Silver", condition: "10")
            let cheap = try await api.campaign(name: "Cheap", cost: "5", level: gold, coupons: ["A1", "A2"], limits: (5, 1))
            let dear = try await api.campaign(name: "Dear", cost: "50", level: gold, coupons: ["B1"])
            _ = try await api.campaign(name: "Silver only", cost: "1", level: silver, coupons: ["S1"])
            _ = try await api.campaign(name: "Later", cost: "1", level: gold, coupons: ["L1"], extra: """
                &campaign[campaignVisibility][allTimeVisible]=0&campaign[campaignVisibility][visibleFrom]=2098-01-01+00:00\
                &campaign[campaignVisibility][visibleTo]=2099-01-01+00:00
                """)
            let jane = try await api.customer(levelID: gold)
            try await api.add("20", to: jane)
            let offers = try await api.asCustomer(jane, .get, "/api/DEFAULT/customer/campaign/available?sort=name").object()
            #expect(offers["total"] as? Int == 2)
            let items = try #require(offers["campaigns"] as? [[String: Any]])
            #expect(items.map { $0["campaignId"] as? String } == [cheap, dear])
            #expect(items.map { $0["canBeBoughtByCustomer"] as? Bool } == [true, false])
            #expect(items.map { $0["usageLeftForCustomer"] as? Int } == [1, 1])
            #expect(items[0]["coupons"] == nil && items[0]["levels"] == nil)

            _ = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/\(cheap)/buy")
            let after = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/admin/customer/\(jane.text)/campaign/available").object()
            #expect((after["campaigns"] as? [[String: Any]])?.map { $0["campaignId"] as? String } == [dear])
            #expect((after["campaigns"] as? [[String: Any]])?.first?["coupons"] as? [String] == ["B1"])
            let simulated = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/admin/customer/\(jane.text)/campaign/available?additionalPoints=100&sort=name").object()
            let names = (simulated["campaigns"] as? [[String: Any]])?.map { $0["name"] as? String }
            #expect(names == ["Dear", "Silver only"])
            #expect((simulated["campaigns"] as? [[String: Any]])?.first?["canBeBoughtByCustomer"] as? Bool == true)
        }
    }

    @Test("The customer record lists the customer's purchases and follows their use and delivery")
    func customerRecordPurchases() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "0")
            let id = try await api.campaign(cost: "0", level: gold, coupons: ["A1"], extra: "&campaign[daysValid]=0")
            let jane = try await api.customer(levelID: gold)
            let coupon = try #require(((try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/\(id)/buy").object()["coupons"]
                as? [[String: String]])?.first?["id"]))
            func purchases() async throws -> [[String: Any]] {
                let record = try await ThreeServices.admin(api.customers, .get, "/api/DEFAULT/customer/\(jane.text)").object()
                return record["campaignPurchases"] as? [[String: Any]] ?? []
            }
            #expect(try await eventually { try await purchases().count == 1 })
            let listed = try #require(try await purchases().first)
            #expect(listed["campaignId"] as? String == id && listed["used"] as? Bool == false && listed["canBeUsed"] as? Bool == true)
            #expect(listed["coupon"] as? [String: String] == ["id": coupon, "code": "A1"])
            #expect(listed["status"] as? String == "active" && listed["deliveryStatus"] as? String == "" && listed["costInPoints"] as? Int == 0)

            _ = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/coupons/mark_as_used",
                                         form: "coupons[0][campaignId]=\(id)&coupons[0][couponId]=\(coupon)&coupons[0][code]=A1&coupons[0][used]=1")
            _ = try await ThreeServices.admin(api.campaigns, .put, "/api/DEFAULT/admin/customer/\(jane.text)/bought/coupon/\(coupon)/changeDeliveryStatus",
                                              form: "deliveryStatus[status]=shipped")
            #expect(try await eventually {
                let item = try await purchases().first
                return item?["used"] as? Bool == true && item?["deliveryStatus"] as? String == "shipped" && item?["usageDate"] is String
            })
            let list = try await ThreeServices.admin(api.customers, .get, "/api/DEFAULT/customer?email=\(try await api.pool.query("SELECT email FROM customers.customers WHERE id = \(jane)").scalar(String.self))").object()
            #expect(((list["customers"] as? [[String: Any]])?.first?["campaignPurchases"] as? [Any])?.count == 1)
        }
    }

    @Test("Coupons are marked used and unused all or nothing; delivery status changes")
    func usingCoupons() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(cost: "0", level: gold, coupons: ["A1", "A2"])
            let jane = try await api.customer(levelID: gold)
            let bought = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/\(id)/buy?quantity=2").object()
            let coupons = try #require(bought["coupons"] as? [[String: String]])
            #expect(coupons.map { $0["code"] } == ["A1", "A2"])
            let (first, second) = (try #require(coupons[0]["id"]), try #require(coupons[1]["id"]))

            let wrongCode = "coupons[0][campaignId]=\(id)&coupons[0][couponId]=\(first)&coupons[0][code]=A1&coupons[0][used]=1"
                + "&coupons[1][campaignId]=\(id)&coupons[1][couponId]=\(second)&coupons[1][code]=WRONG&coupons[1][used]=1"
            let refused = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/coupons/mark_as_used", form: wrongCode)
            #expect(refused.status == .badRequest)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.purchases WHERE used").scalar(Int.self) == 0)

            let used = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/coupons/mark_as_used",
                                                form: "coupons[0][campaignId]=\(id)&coupons[0][couponId]=\(first)&coupons[0][code]=A1&coupons[0][used]=1")
            let result = try #require((try used.object()["coupons"] as? [[String: Any]])?.first)
            #expect(result["name"] as? String == "A1" && result["used"] as? Bool == true)
            #expect(result["campaignId"] as? String == id && result["customerId"] as? String == jane.text)
            let other = try await api.customer(levelID: gold)
            let notHers = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/admin/campaign/coupons/mark_as_used", form: """
                coupons[0][campaignId]=\(id)&coupons[0][couponId]=\(second)&coupons[0][code]=A2&coupons[0][used]=1&coupons[0][customerId]=\(other.text)
                """)
            #expect(try notHers.object()["error"] as? String == "No purchase found with given couponId in row 0")

            let delivered = try await ThreeServices.admin(
                api.campaigns, .put, "/api/DEFAULT/admin/customer/\(jane.text)/bought/coupon/\(second)/changeDeliveryStatus", form: "deliveryStatus[status]=shipped"
            )
            #expect(try delivered.object()["success"] as? String == "Delivery status changed!")
            let bad = try await ThreeServices.admin(
                api.campaigns, .put, "/api/DEFAULT/admin/customer/\(jane.text)/bought/coupon/\(second)/changeDeliveryStatus", form: "deliveryStatus[status]=lost"
            )
            #expect(bad.status == .badRequest)
            let list = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/bought?used=true").object()
            #expect(list["total"] as? Int == 1)
            let usedOne = try #require((list["boughtCampaigns"] as? [[String: Any]])?.first)
            #expect((usedOne["coupon"] as? [String: String])?["code"] == "A1")
            #expect((usedOne["deliveryStatus"] as? [String: String])?["status"] == "ordered")
            #expect(usedOne["usageDate"] as? String != nil)
            let shipped = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/bought?deliveryStatus=shipped").object()
            #expect(((shipped["boughtCampaigns"] as? [[String: Any]])?.first?["coupon"] as? [String: String])?["code"] == "A2")
        }
    }
}
