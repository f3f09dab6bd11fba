import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("The customers a campaign is visible to (CMP-18)")
struct VisibleCustomersTests {
    @Test("The targeted customers, paged, with their purchases of the campaign; total is visibleForCustomersCount")
    func levelTargetedCampaign() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100"), silver = try await api.level("Silver", condition: "10")
            let id = try await api.campaign(cost: "0", level: gold, coupons: ["V1", "V2"])
            let jane = try await api.customer(levelID: gold, firstName: "Jane")
            let john = try await api.customer(levelID: gold, firstName: "John", lastName: "Roe")
            try await api.customer(levelID: silver, firstName: "Sam")
            let bought = try await api.asCustomer(jane, .post, "/api/DEFAULT/customer/campaign/\(id)/buy")
            #expect(bought.status == .ok, "\(bought.text)")

            let path = "/api/DEFAULT/campaign/\(id)/customers/visible"
            let visible = try await ThreeServices.admin(api.campaigns, .get, path)
            #expect(visible.status == .ok, "\(visible.text)")
            let body = try visible.object()
            #expect(body["total"] as? Int == 2)
            let campaign = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(campaign["visibleForCustomersCount"] as? Int == body["total"] as? Int)
            let customers = try #require(body["customers"] as? [[String: Any]])
            #expect(customers.map { $0["customerId"] as? String } == [jane.text, john.text])
            let first = customers[0]
            #expect(first["active"] as? Bool == true)
            #expect(first["firstName"] as? String == "Jane")
            #expect(first["lastName"] as? String == "Doe")
            #expect(first["email"] as? String == "c\(jane.text.prefix(8))@example.com")
            #expect(first["levelId"] as? String == gold.text)
            #expect(first["transactionsCount"] as? Int == 0)
            #expect(first["transactionsAmount"] as? Int == 0)
            #expect((first["createdAt"] as? String)?.hasSuffix("+0000") == true)
            let purchases = try #require(first["campaignPurchases"] as? [[String: Any]])
            #expect(purchases.count == 1)
            #expect((purchases.first?["campaignId"] as? [String: String]) == ["campaignId": id])
            #expect((purchases.first?["coupon"] as? [String: String])?["code"] == "V1")
            #expect(purchases.first?["used"] as? Bool == false)
            #expect(purchases.first?["campaign"] == nil)
            #expect((customers[1]["campaignPurchases"] as? [Any])?.isEmpty == true)

            let second = try await ThreeServices.admin(api.campaigns, .get, "\(path)?page=2&perPage=1").object()
            #expect(second["total"] as? Int == 2)
            #expect((second["customers"] as? [[String: Any]])?.map { $0["customerId"] as? String } == [john.text])
            let past = try await ThreeServices.admin(api.campaigns, .get, "\(path)?page=3&perPage=1").object()
            #expect(past["total"] as? Int == 2 && (past["customers"] as? [Any])?.isEmpty == true)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "\(path)?direction=DESC").status == .badRequest)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "\(path)?perPage=0").status == .badRequest)

            try await api.otherStore()
            let other = try await ThreeServices.admin(api.campaigns, .get, "/api/OTHER/campaign/\(id)/customers/visible")
            #expect(other.status == .notFound)
            #expect(other.text == #"{"error":{"code":404,"message":"Not Found"}}"#)
            #expect(try await api.asCustomer(jane, .get, path).status == .forbidden)
        }
    }

    @Test("Segment targeting reaches the members; a campaign out of its visibility window or a cashback reaches no one")
    func segmentsWindowAndCashback() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let storeID = try await api.storeID()
            let segment = UUID()
            try await api.pool.execute("""
                INSERT INTO customers.segments (store_id, id, name, active, parts) VALUES (\(storeID), \(segment), 'Fans', true, '[]')
                """)
            let member = try await api.customer(firstName: "Mia"), outsider = try await api.customer(firstName: "Olle")
            try await api.pool.execute("INSERT INTO customers.segment_members (store_id, segment_id, customer_id) VALUES (\(storeID), \(segment), \(member))")
            let fans = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: """
                campaign[reward]=gift_code&campaign[translations][en][name]=Fans&campaign[active]=1&campaign[costInPoints]=1\
                &campaign[target]=segment&campaign[segments][0]=\(segment.text)&campaign[unlimited]=1&campaign[coupons][0]=F1\
                &campaign[daysInactive]=0&campaign[daysValid]=0&campaign[campaignVisibility][allTimeVisible]=1\
                &campaign[campaignActivity][allTimeActive]=1
                """)
            let fansID = try #require(try fans.object()["campaignId"] as? String, "\(fans.text)")
            let reached = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(fansID)/customers/visible").object()
            #expect(reached["total"] as? Int == 1)
            #expect((reached["customers"] as? [[String: Any]])?.map { $0["customerId"] as? String } == [member.text])
            #expect((reached["customers"] as? [[String: Any]])?.contains { $0["customerId"] as? String == outsider.text } == false)

            try await api.customer(levelID: gold)
            let hidden = try await api.campaign(name: "Later", level: gold, extra: """
                &campaign[campaignVisibility][allTimeVisible]=0&campaign[campaignVisibility][visibleFrom]=2090-01-01+10:00\
                &campaign[campaignVisibility][visibleTo]=2091-01-01+10:00
                """)
            let none = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(hidden)/customers/visible").object()
            #expect(none["total"] as? Int == 0 && (none["customers"] as? [Any])?.isEmpty == true)

            let cashback = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: """
                campaign[reward]=cashback&campaign[translations][en][name]=Cash&campaign[active]=1&campaign[pointValue]=2\
                &campaign[target]=level&campaign[levels][0]=\(gold.text)&campaign[unlimited]=1\
                &campaign[campaignVisibility][allTimeVisible]=1&campaign[campaignActivity][allTimeActive]=1
                """)
            let cashbackID = try #require(try cashback.object()["campaignId"] as? String, "\(cashback.text)")
            let nobody = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(cashbackID)/customers/visible").object()
            #expect(nobody["total"] as? Int == 0)
        }
    }
}
