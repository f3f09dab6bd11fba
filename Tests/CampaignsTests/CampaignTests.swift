import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Reward campaigns: create, update, show, activate, coupons (CMP-05…07, CMP-11, CMP-15, CMP-22, CMP-23, CMP-29)")
struct CampaignTests {
    @Test("An empty form names the missing fields; a campaign round-trips with its texts, windows, labels and pool")
    func createAndShow() async throws {
        try await ThreeServices.run { api in
            let empty = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: "campaign[active]=1")
            #expect(empty.status == .badRequest)
            let children = try #require(try empty.object()["form"] as? [String: Any])["children"] as? [String: Any]
            let name = ((children?["translations"] as? [String: Any])?["children"] as? [String: Any])?["en"] as? [String: Any]
            #expect(((name?["children"] as? [String: Any])?["name"] as? [String: Any])?["errors"] as? [String] == ["This value should not be blank."])
            #expect((children?["reward"] as? [String: Any])?["errors"] as? [String] == ["This value should not be blank."])
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.campaigns").scalar(Int.self) == 0)

            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(name: "Ten off", level: gold, coupons: ["A1", "A2", "A1"], limits: (10, 2), extra: """
                &campaign[translations][en][shortDescription]=Short&campaign[translations][pl][name]=Dziesiec\
                &campaign[labels]=type:promotion;type:cashback&campaign[campaignActivity][allTimeActive]=0\
                &campaign[campaignActivity][activeFrom]=2020-01-01+10:00&campaign[campaignActivity][activeTo]=2099-01-01+10:00
                """)
            let shown = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)")
            let campaign = try shown.object()
            #expect(campaign["name"] as? String == "Ten off")
            #expect(campaign["shortDescription"] as? String == "Short")
            #expect(campaign["reward"] as? String == "discount_code")
            #expect(campaign["coupons"] as? [String] == ["A1", "A2"])
            #expect(campaign["levels"] as? [String] == [gold.text])
            #expect(campaign["levelNames"] as? [String: String] == [gold.text: "Gold"])
            #expect(campaign["segmentNames"] as? [String] == [])
            #expect(campaign["usageLeft"] as? Int == 2)
            #expect(campaign["limit"] as? Int == 10)
            #expect(campaign["usersWhoUsedThisCampaignCount"] as? Int == 0)
            #expect(campaign["visibleForCustomersCount"] as? Int == 0)
            #expect(campaign["costInPoints"] as? Int == 10)
            let activity = try #require(campaign["campaignActivity"] as? [String: Any])
            #expect(activity["allTimeActive"] as? Bool == false)
            #expect(activity["activeFrom"] as? String == "2020-01-01T10:00:00+0000")
            #expect(campaign["campaignVisibility"] as? [String: Bool] == ["allTimeVisible": true])
            let labels = try #require(campaign["labels"] as? [[String: String]])
            #expect(labels == [["key": "type", "value": "promotion"], ["key": "type", "value": "cashback"]])
            let translations = try #require(campaign["translations"] as? [[String: Any]])
            #expect(translations.map { $0["locale"] as? String } == ["en", "pl"])
            let polish = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)?_locale=pl")
            #expect(try polish.object()["name"] as? String == "Dziesiec")

            // A customer on the level makes it visible to one customer.
            try await api.customer(levelID: gold)
            let counted = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)")
            #expect(try counted.object()["visibleForCustomersCount"] as? Int == 1)

            // The seller's view leaves out validity days, photo flag and translations.
            let seller = try await api.asSeller(.get, "/api/DEFAULT/seller/campaign/\(id)").object()
            #expect(seller["name"] as? String == "Ten off")
            #expect(seller["daysValid"] == nil && seller["translations"] == nil && seller["hasPhoto"] == nil)
            #expect(try await api.asCustomer(UUID(), .get, "/api/DEFAULT/campaign/\(id)").status == .forbidden)
        }
    }

    @Test("A full update keeps translation ids; activation, the active list, labels filter and another store")
    func updateActivateAndList() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(name: "First", level: gold, extra: "&campaign[labels]=season:summer")
            let before = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            let translationID = (before["translations"] as? [[String: Any]])?.first?["id"] as? Int
            let update = """
                campaign[reward]=gift_code&campaign[translations][en][name]=Renamed&campaign[active]=0&campaign[costInPoints]=5\
                &campaign[target]=level&campaign[levels][0]=\(gold.text)&campaign[unlimited]=1&campaign[coupons][0]=G1\
                &campaign[daysInactive]=1&campaign[daysValid]=0&campaign[campaignVisibility][allTimeVisible]=1\
                &campaign[campaignActivity][allTimeActive]=1
                """
            let updated = try await ThreeServices.admin(api.campaigns, .put, "/api/DEFAULT/campaign/\(id)", form: update)
            #expect(updated.status == .ok, "\(updated.text)")
            let after = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(after["name"] as? String == "Renamed")
            #expect(after["reward"] as? String == "gift_code")
            #expect(after["active"] as? Bool == false)
            #expect(after["coupons"] as? [String] == ["G1"])
            #expect((after["translations"] as? [[String: Any]])?.first?["id"] as? Int == translationID)
            #expect(after["labels"] == nil)

            let other = try await api.campaign(name: "Second", level: gold, extra: "&campaign[labels]=season:winter")
            let active = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/active").object()
            #expect((active["campaigns"] as? [[String: String]]) == [["id": other, "name": "Second"]])
            let activated = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign/\(id)/active")
            #expect(try activated.object()["campaignId"] as? String == id)
            let both = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/active").object()
            #expect((both["campaigns"] as? [Any])?.count == 2)
            #expect(try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign/\(id)/sideways").status == .notFound)

            let winter = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign?labels[0][key]=season&labels[0][value]=winter").object()
            #expect(winter["total"] as? Int == 1)
            #expect(((winter["campaigns"] as? [[String: Any]])?.first?["campaignId"] as? String) == other)
            let all = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign?perPage=1&withoutCoupons=1").object()
            #expect(all["total"] as? Int == 2)
            #expect((all["campaigns"] as? [[String: Any]])?.first?["coupons"] as? [String] == [])

            // The public list needs no credentials and shows public, switched-on campaigns only, without their pool.
            let shown = try await api.campaign(name: "Shown", level: gold, extra: "&campaign[public]=1&campaign[featured]=1")
            let anonymous = try await api.campaigns.execute(uri: "/api/DEFAULT/campaign/public/available?isFeatured=1", method: .get) { $0 }.object()
            #expect(anonymous["total"] as? Int == 1)
            let item = try #require((anonymous["campaigns"] as? [[String: Any]])?.first)
            #expect(item["campaignId"] as? String == shown && item["coupons"] == nil && item["name"] as? String == "Shown")

            // Another store sees none of it.
            _ = try await api.pool.query("INSERT INTO auth.stores (code, name, currency) VALUES ('OTHER', 'Other', 'EUR') RETURNING id")
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/OTHER/campaign/\(id)").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/OTHER/campaign").object()["total"] as? Int == 0)
            #expect(try await api.campaigns.execute(uri: "/api/OTHER/campaign/public/available", method: .get) { $0 }.object()["total"] as? Int == 0)
            #expect(try await ThreeServices.admin(api.campaigns, .post, "/api/OTHER/campaign/\(id)/inactive").status == .notFound)
        }
    }

    @Test("The coupon pool is replaced or extended; codes already handed out cannot be removed")
    func couponPool() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(cost: "0", level: gold, coupons: ["A1", "A2"])
            let appended = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign/\(id)/coupons", form: "coupons[0]=B1&coupons[1]=A1&append=1")
            #expect(appended.status == .noContent)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()["coupons"] as? [String] == ["A1", "A2", "B1"])
            let customer = try await api.customer(levelID: gold)
            let bought = try await api.asCustomer(customer, .post, "/api/DEFAULT/customer/campaign/\(id)/buy")
            #expect(bought.status == .ok, "\(bought.text)")
            let refused = try await ThreeServices.admin(
                api.campaigns, .post, "/api/DEFAULT/campaign/\(id)/coupons", contentType: "application/json",
                body: Array(#"{"coupons": ["C1"], "append": false}"#.utf8)
            )
            #expect(refused.status == .badRequest)
            #expect(try refused.object()["error"] as? String == "Removing used coupons (A1) is not permitted")
            let replaced = try await ThreeServices.admin(
                api.campaigns, .post, "/api/DEFAULT/campaign/\(id)/coupons", contentType: "application/json",
                body: Array(#"{"coupons": ["A1", "C1"], "append": false}"#.utf8)
            )
            #expect(replaced.status == .noContent)
            let campaign = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(campaign["coupons"] as? [String] == ["A1", "C1"])
            #expect(campaign["usageLeft"] as? Int == 1)
        }
    }
}
