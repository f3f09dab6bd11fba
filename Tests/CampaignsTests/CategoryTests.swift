import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Campaign categories (CAT-01…CAT-05) and the categories of a campaign")
struct CategoryTests {
    static let root = "/api/DEFAULT/campaignCategory"

    /// Creates a category with CAT-01; returns its id.
    static func create(_ api: ThreeServices, _ form: String) async throws -> String {
        let response = try await ThreeServices.admin(api.campaigns, .post, root, form: form)
        #expect(response.status == .ok, "category: \(response.text)")
        return try #require(try response.object()["campaignCategoryId"] as? String)
    }

    @Test("A bad form names its fields and writes nothing; categories list by sort order with names in the asked locale")
    func createListAndShow() async throws {
        try await ThreeServices.run { api in
            let empty = try await ThreeServices.admin(api.campaigns, .post, Self.root, form: "campaign_category[active]=1")
            #expect(empty.status == .badRequest)
            #expect(empty.text == #"""
                {"form":{"children":{"translations":{"children":{"en":{"children":{"name":{"errors":["This value should not be blank."]}}}}},\#
                "active":{},"sortOrder":{"errors":["This value should not be blank."]}}},"errors":[]}
                """#)
            let badOrder = try await ThreeServices.admin(
                api.campaigns, .post, Self.root, form: "campaign_category[translations][en][name]=Food&campaign_category[sortOrder]=first"
            )
            #expect(badOrder.status == .badRequest)
            let children = try #require((try badOrder.object()["form"] as? [String: Any])?["children"] as? [String: Any])
            #expect((children["sortOrder"] as? [String: [String]])?["errors"] == ["This value is not valid."])
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.categories").scalar(Int.self) == 0)

            let food = try await Self.create(api, """
                campaign_category[translations][en][name]=Food&campaign_category[translations][pl][name]=Jedzenie\
                &campaign_category[active]=1&campaign_category[sortOrder]=2
                """)
            let drinks = try await Self.create(api, "campaign_category[translations][en][name]=Drinks&campaign_category[active]=0&campaign_category[sortOrder]=1")

            let list = try await ThreeServices.admin(api.campaigns, .get, Self.root).object()
            #expect(list["total"] as? Int == 2)
            let items = try #require(list["categories"] as? [[String: Any]])
            #expect(items.map { $0["campaignCategoryId"] as? String } == [drinks, food])
            let shown = items[1]
            #expect(shown["name"] as? String == "Food")
            #expect(shown["active"] as? Bool == true)
            #expect(shown["sortOrder"] as? Int == 2)
            let translations = try #require(shown["translations"] as? [[String: Any]])
            #expect(translations.map { $0["locale"] as? String } == ["en", "pl"])
            #expect(translations.map { $0["name"] as? String } == ["Food", "Jedzenie"])
            #expect(translations.allSatisfy { $0["id"] is Int })
            #expect(Set(shown.keys) == ["name", "campaignCategoryId", "active", "sortOrder", "translations"])

            let polish = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)?_locale=pl&sort=sortOrder&direction=DESC").object()
            #expect((polish["categories"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Jedzenie", "Drinks"])
            let named = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)?name=jedz").object()
            #expect((named["categories"] as? [[String: Any]])?.map { $0["campaignCategoryId"] as? String } == [food])
            let inactive = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)?active=0").object()
            #expect(inactive["total"] as? Int == 1)
            #expect((inactive["categories"] as? [[String: Any]])?.first?["campaignCategoryId"] as? String == drinks)
            let paged = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)?perPage=1&page=2").object()
            #expect(paged["total"] as? Int == 2)
            #expect((paged["categories"] as? [[String: Any]])?.map { $0["campaignCategoryId"] as? String } == [food])
            #expect(try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)?active=maybe").status == .badRequest)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)?sort=colour").status == .badRequest)

            let one = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)/\(food)?_locale=pl").object()
            #expect(one["name"] as? String == "Jedzenie")
            #expect(one["campaignCategoryId"] as? String == food)
        }
    }

    @Test("A full update keeps a locale's translation id, numbers a new locale and drops one not sent")
    func updateKeepsTranslationIDs() async throws {
        try await ThreeServices.run { api in
            let food = try await Self.create(api, """
                campaign_category[translations][en][name]=Food&campaign_category[translations][pl][name]=Jedzenie\
                &campaign_category[active]=1&campaign_category[sortOrder]=2
                """)
            let before = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)/\(food)").object()
            let englishID = try #require((before["translations"] as? [[String: Any]])?.first?["id"] as? Int)
            let updated = try await ThreeServices.admin(api.campaigns, .put, "\(Self.root)/\(food)", form: """
                campaign_category[translations][en][name]=Meals&campaign_category[translations][de][name]=Essen\
                &campaign_category[active]=0&campaign_category[sortOrder]=7
                """)
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(try updated.object()["campaignCategoryId"] as? String == food)
            let after = try await ThreeServices.admin(api.campaigns, .get, "\(Self.root)/\(food)").object()
            let translations = try #require(after["translations"] as? [[String: Any]])
            #expect(translations.map { $0["locale"] as? String } == ["en", "de"])
            #expect(translations.first?["id"] as? Int == englishID)
            #expect((translations.last?["id"] as? Int ?? 0) > englishID)
            let foodID = try #require(UUID(uuidString: food))
            let row = try #require(try await api.pool.query("""
                SELECT active, sort_order, translations -> 0 ->> 'name' AS name FROM campaigns.categories WHERE id = \(foodID)
                """).firstRow)
            #expect(try row.decode(Bool.self, "active") == false)
            #expect(try row.decode(Int.self, "sort_order") == 7)
            #expect(try row.decode(String.self, "name") == "Meals")

            let invalid = try await ThreeServices.admin(api.campaigns, .put, "\(Self.root)/\(food)", form: "campaign_category[sortOrder]=1")
            #expect(invalid.status == .badRequest)
            #expect(try await ThreeServices.admin(api.campaigns, .put, "\(Self.root)/\(UUID().text)", form: "campaign_category[translations][en][name]=X&campaign_category[sortOrder]=1").status == .notFound)
        }
    }

    @Test("Activation is 204, needs `active`; another store's category is 404 everywhere; customers may not manage categories")
    func activationAndTenancy() async throws {
        try await ThreeServices.run { api in
            let food = try await Self.create(api, "campaign_category[translations][en][name]=Food&campaign_category[active]=1&campaign_category[sortOrder]=1")
            let foodID = try #require(UUID(uuidString: food))
            let off = try await ThreeServices.admin(api.campaigns, .post, "\(Self.root)/\(food)/active", form: "active=0")
            #expect(off.status == .noContent)
            #expect(off.text.isEmpty)
            #expect(try await api.pool.query("SELECT active FROM campaigns.categories WHERE id = \(foodID)").scalar(Bool.self) == false)
            let missing = try await ThreeServices.admin(api.campaigns, .post, "\(Self.root)/\(food)/active", form: "")
            #expect(missing.status == .badRequest)
            #expect(missing.text == #"{"active":"this field is required"}"#)
            #expect(try await ThreeServices.admin(api.campaigns, .post, "\(Self.root)/\(food)/active", form: "active=1").status == .noContent)
            #expect(try await api.pool.query("SELECT active FROM campaigns.categories WHERE id = \(foodID)").scalar(Bool.self) == true)
            #expect(try await ThreeServices.admin(api.campaigns, .post, "\(Self.root)/\(UUID().text)/active", form: "active=1").status == .notFound)
            #expect(try await api.pool.query("SELECT count(*) FROM suite.events WHERE aggregate_type = 'campaign_category'").scalar(Int.self) == 3)

            try await api.otherStore()
            let other = "/api/OTHER/campaignCategory"
            let notFound = try await ThreeServices.admin(api.campaigns, .get, "\(other)/\(food)")
            #expect(notFound.status == .notFound)
            #expect(notFound.text == #"{"error":{"code":404,"message":"Not Found"}}"#)
            #expect(try await ThreeServices.admin(api.campaigns, .put, "\(other)/\(food)", form: "campaign_category[translations][en][name]=X&campaign_category[sortOrder]=1").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .post, "\(other)/\(food)/active", form: "active=0").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .get, other).object()["total"] as? Int == 0)
            #expect(try await api.pool.query("SELECT active FROM campaigns.categories WHERE id = \(foodID)").scalar(Bool.self) == true)

            #expect(try await api.asCustomer(UUID(), .get, Self.root).status == .forbidden)
            #expect(try await api.asCustomer(UUID(), .post, "\(Self.root)/\(food)/active", form: "active=0").status == .forbidden)
        }
    }

    @Test("A campaign names only its store's categories; the admin view shows their names")
    func campaignCategories() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let food = try await Self.create(api, """
                campaign_category[translations][en][name]=Food&campaign_category[translations][pl][name]=Jedzenie\
                &campaign_category[active]=1&campaign_category[sortOrder]=1
                """)
            try await api.otherStore()
            let foreign = try await ThreeServices.admin(api.campaigns, .post, "/api/OTHER/campaignCategory", form: "campaign_category[translations][en][name]=Elsewhere&campaign_category[sortOrder]=1")
            let foreignID = try #require(try foreign.object()["campaignCategoryId"] as? String)

            for unknown in [UUID().text, foreignID] {
                let refused = try await ThreeServices.admin(api.campaigns, .post, "/api/DEFAULT/campaign", form: """
                    campaign[reward]=discount_code&campaign[translations][en][name]=Lunch&campaign[active]=1&campaign[costInPoints]=1\
                    &campaign[target]=level&campaign[levels][0]=\(gold.text)&campaign[unlimited]=1&campaign[coupons][0]=L1\
                    &campaign[daysInactive]=0&campaign[daysValid]=0&campaign[campaignVisibility][allTimeVisible]=1\
                    &campaign[campaignActivity][allTimeActive]=1&campaign[categories][0]=\(food)&campaign[categories][1]=\(unknown)
                    """)
                #expect(refused.status == .badRequest)
                let children = try #require((try refused.object()["form"] as? [String: Any])?["children"] as? [String: Any])
                #expect((children["categories"] as? [String: [String]])?["errors"] == ["This value is not valid."])
            }
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.campaigns").scalar(Int.self) == 0)

            let lunch = try await api.campaign(name: "Lunch", level: gold, extra: "&campaign[categories][0]=\(food)")
            let plain = try await api.campaign(name: "Plain", level: gold)
            let shown = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(lunch)").object()
            #expect(shown["categories"] as? [String] == [food])
            #expect(shown["categoryNames"] as? [String: String] == [food: "Food"])
            let polish = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(lunch)?_locale=pl").object()
            #expect(polish["categoryNames"] as? [String: String] == [food: "Jedzenie"])
            let none = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(plain)").object()
            #expect(none["categoryNames"] as? [String] == [])
            let filtered = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign?categoryId[]=\(food)").object()
            #expect((filtered["campaigns"] as? [[String: Any]])?.map { $0["campaignId"] as? String } == [lunch])
            #expect(try await api.asSeller(.get, "/api/DEFAULT/seller/campaign/\(lunch)").object()["categoryNames"] == nil)
        }
    }
}
