import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import Testing

@Suite("Okendo S3: the storefront VIP program")
struct VipProgramTests {
    /// A 600×600 PNG (the smallest level photo accepted), as multipart `photo[file]`.
    static func photoUpload(boundary: String) -> [UInt8] {
        let png: [UInt8] = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x02, 0x58,
            0x00, 0x00, 0x02, 0x58, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41,
            0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
            0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ]
        return Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo[file]\"; filename=\"g.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            + png + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    static func program(_ suite: ThreeServices, subscriber: UUID) async throws -> [[String: Any]] {
        let response = try await suite.campaigns.execute(uri: "/v1/stores/\(subscriber.text)/loyalty/vip_program", method: .get, headers: [:], body: nil) { $0 }
        #expect(response.status == .ok, "\(response.text)")
        let program = try #require(try response.object()["vipProgram"] as? [String: Any])
        return try #require(program["vipTiers"] as? [[String: Any]])
    }

    @Test func tiersAreTheActiveLevelsWithTheirOwnEarningRules() async throws {
        try await ThreeServices.run { suite in
            let today = UTCTime.day(of: Date())
            let gold = try await suite.level("Gold", condition: "500", extra: """
                &level[specialRewards][0][name]=Double week&level[specialRewards][0][value]=10&level[specialRewards][0][code]=DW\
                &level[specialRewards][0][active]=1&level[specialRewards][0][startAt]=\(today.adding(days: -1))\
                &level[specialRewards][0][endAt]=\(today.adding(days: 1))\
                &level[specialRewards][1][name]=Old offer&level[specialRewards][1][value]=10&level[specialRewards][1][code]=OO\
                &level[specialRewards][1][active]=1&level[specialRewards][1][startAt]=2020-01-01&level[specialRewards][1][endAt]=2020-01-31
                """)
            let bronze = try await suite.level("Bronze", condition: "0")
            let silver = try await suite.level("Silver", condition: "100")
            _ = try await suite.level("Hidden", condition: "50", active: false)
            let uploaded = try await ThreeServices.admin(
                suite.customers, .post, "/api/DEFAULT/level/\(gold.text)/photo",
                contentType: "multipart/form-data; boundary=vip", body: Self.photoUpload(boundary: "vip")
            )
            #expect(uploaded.status == .ok, "\(uploaded.text)")
            try await suite.settings(tierAssignType: "transactions", extra: "&settings[accentColor]=%23aa3300")

            try await suite.rule("earningRule[type]=points&earningRule[name]=Everyone&earningRule[active]=1&earningRule[allTimeActive]=1&earningRule[pointValue]=1")
            try await suite.rule("""
                earningRule[type]=points&earningRule[name]=Silver and Gold spend&earningRule[active]=1&earningRule[allTimeActive]=1\
                &earningRule[pointValue]=2&earningRule[target]=level&earningRule[levels][0]=\(silver.text)&earningRule[levels][1]=\(gold.text)
                """)
            try await suite.rule("""
                earningRule[type]=custom_event&earningRule[name]=Gold follow&earningRule[active]=1&earningRule[allTimeActive]=1\
                &earningRule[eventName]=follow&earningRule[pointsAmount]=25&earningRule[target]=level&earningRule[levels][0]=\(gold.text)
                """)
            try await suite.rule("""
                earningRule[type]=points&earningRule[name]=Paused gold&earningRule[active]=0&earningRule[allTimeActive]=1\
                &earningRule[pointValue]=9&earningRule[target]=level&earningRule[levels][0]=\(gold.text)
                """)

            let tiers = try await Self.program(suite, subscriber: try await suite.storeID())
            #expect(tiers.map { $0["vipTierId"] as? String } == [bronze, silver, gold].map(\.text))
            #expect(tiers.map { $0["name"] as? String } == ["Bronze", "Silver", "Gold"])
            #expect(tiers.map { $0["entryRequirement"] as? [String: Int] } == [["spend": 0], ["spend": 100], ["spend": 500]])
            #expect(tiers.map { $0["customPerks"] as? [String] } == [["Bronze discount"], ["Silver discount"], ["Gold discount", "Double week"]])
            let badges = tiers.map { ($0["style"] as? [String: Any])?["badge"] as? [String: Any] }
            #expect(badges.map { ($0?["frame"] as? [String: String])?["type"] } == ["bronze", "silver", "gold"])
            #expect(badges.allSatisfy { $0?["type"] as? String == "framed" && $0?["color"] as? String == "#aa3300" })
            #expect(badges[2]?["svgUrl"] as? String == "/api/DEFAULT/level/\(gold.text)/photo")
            #expect(badges[0]?["svgUrl"] is NSNull)
            let earning = tiers.map { ($0["earningRules"] as? [[String: Any]])?.map { $0["title"] as? String } }
            #expect(earning == [[], ["Silver and Gold spend"], ["Gold follow", "Silver and Gold spend"]])
            let follow = try #require((tiers[2]["earningRules"] as? [[String: Any]])?.first)
            #expect(follow["actionId"] as? String == "follow" && follow["type"] as? String == "fixed-amount" && follow["amount"] as? Int == 25)
            let spend = try #require((tiers[1]["earningRules"] as? [[String: Any]])?.first)
            #expect(spend["pointsPerText"] as? String == "2 points per EUR spent")
            #expect(tiers.allSatisfy { ($0["redemptionRules"] as? [Any])?.isEmpty == true })
        }
    }

    @Test func pointsProgramsAskForPointsAndStoresAreSeparate() async throws {
        try await ThreeServices.run { suite in
            _ = try await suite.level("Bronze", condition: "0")
            _ = try await suite.level("Silver", condition: "1000")
            try await suite.settings(tierAssignType: "points")
            let tiers = try await Self.program(suite, subscriber: try await suite.storeID())
            #expect(tiers.map { $0["entryRequirement"] as? [String: Int] } == [["points": 0], ["points": 1000]])
            let badge = try #require((tiers.first?["style"] as? [String: Any])?["badge"] as? [String: Any])
            #expect(badge["color"] is NSNull && badge["svgUrl"] is NSNull && badge["icon"] as? String == "star")

            let other = try await suite.pool.query("INSERT INTO auth.stores (code, name, currency) VALUES ('OTHER', 'Other', 'EUR') RETURNING id")
                .scalar(UUID.self)
            #expect(try await Self.program(suite, subscriber: other).isEmpty)
            let unknown = try await suite.campaigns.execute(uri: "/v1/stores/\(UUID().text)/loyalty/vip_program", method: .get, headers: [:], body: nil) { $0 }
            #expect(unknown.status == .notFound)
        }
    }
}
