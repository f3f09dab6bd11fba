import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Settings (ST-01…ST-06)")
struct SettingsTests {
    static let required = "settings[currency]=usd&settings[timezone]=Europe/Paris&settings[programName]=Stars&settings[programPointsSingular]=Star"
        + "&settings[programPointsPlural]=Stars&settings[pointsDaysExpiryAfter]=after_x_days&settings[pointsDaysActiveCount]=60"
        + "&settings[allTimeNotLocked]=1&settings[tierAssignType]=points&settings[levelDowngradeMode]=automatic&settings[levelDowngradeBase]=none"
        + "&settings[customerStatusesEarning][]=active&settings[customerStatusesSpending][]=active&settings[accountActivationMethod]=sms"
        + "&settings[marketingVendorsValue]=none&settings[legalPoliciesVersion]=2.0&settings[acceptTermsAndJoinProgramButtonText]=Join"

    @Test func defaultsFollowTheDocumentation() async throws {
        try await CustomersAPI.run { api in
            let settings = try #require(try await api.admin(.get, "/api/DEFAULT/settings").object()["settings"] as? [String: Any])
            #expect(settings["currency"] as? String == "eur")
            #expect(settings["timezone"] as? String == "Europe/Warsaw")
            #expect(settings["programName"] as? String == "Loyalty Program")
            #expect(settings["programPointsSingular"] as? String == "Point" && settings["programPointsPlural"] as? String == "Points")
            #expect(settings["returns"] as? Bool == true && settings["allowCustomersProfileEdits"] as? Bool == true)
            #expect(settings["pointsDaysExpiryAfter"] as? String == "after_x_days" && settings["pointsDaysActiveCount"] as? Int == 30)
            #expect(settings["allTimeNotLocked"] as? Bool == true)
            #expect(settings["tierAssignType"] as? String == "transactions" && settings["levelDowngradeMode"] as? String == "none")
            #expect(settings["excludedLevelCategories"] as? [String] == ["category_excluded_from_level"])
            #expect(settings["customerStatusesEarning"] as? [String] == ["active"])
            #expect(settings["accountActivationMethod"] as? String == "email")
            #expect(settings["expirePointsNotificationDays"] as? Int == 10)
            #expect(settings["pointsDaysLocked"] == nil)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/activation-method").text == #"{"method":"email"}"#)
            let statuses = try await api.admin(.get, "/api/DEFAULT/admin/customer-statuses")
            #expect(statuses.text == #"{"statuses":["new","active","blocked","deleted"],"total":4}"#)
        }
    }

    @Test func postReplacesTheFormKeys() async throws {
        try await CustomersAPI.run { api in
            let response = try await api.admin(.post, "/api/DEFAULT/settings", form: Self.required)
            #expect(response.status == .ok, "\(response.text)")
            let settings = try #require(try response.object()["settings"] as? [String: Any])
            #expect(settings["currency"] as? String == "usd" && settings["programName"] as? String == "Stars")
            // Omitted checkboxes are false, omitted optional values cleared.
            #expect(settings["returns"] as? Bool == false && settings["allowCustomersProfileEdits"] as? Bool == false)
            #expect(settings["expirePointsNotificationDays"] == nil)
            #expect(settings["levelDowngradeMode"] as? String == "automatic")
            let stored = try #require(try await api.admin(.get, "/api/DEFAULT/settings").object()["settings"] as? [String: Any])
            #expect(stored["tierAssignType"] as? String == "points" && stored["pointsDaysActiveCount"] as? Int == 60)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/activation-method").text == #"{"method":"sms"}"#)

            // Transactions mode forces levelDowngradeMode to none.
            let transactions = Self.required.replacingOccurrences(of: "tierAssignType]=points", with: "tierAssignType]=transactions")
            let forced = try await api.admin(.post, "/api/DEFAULT/settings", form: transactions).object()["settings"] as? [String: Any]
            #expect(forced?["levelDowngradeMode"] as? String == "none")

            // Customers may no longer edit their profile (ST-03 and C13 agree).
            let customer = try await api.register(email: "edit@example.com")
            let token = try await api.customerToken(customer)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/public", token: token).text == #"{"settings":{"allowCustomersProfileEdits":false}}"#)
            #expect(try await api.send(.put, "/api/DEFAULT/customer/\(customer.text)", token: token, form: "customer[lastName]=X").status == .forbidden)
            #expect(try await api.count("SELECT count(*) FROM suite.events WHERE type = 'SettingsWereChanged'") == 2)
        }
    }

    /// X-7: the 3.2 doc's `allTimeActive` and `pointsDaysActive` stand for the current keys when those are not sent.
    @Test func legacyExpiryKeysAreMapped() async throws {
        try await CustomersAPI.run { api in
            let withoutExpiry = Self.required
                .replacingOccurrences(of: "&settings[pointsDaysExpiryAfter]=after_x_days&settings[pointsDaysActiveCount]=60", with: "")
            let legacy = try await api.admin(.post, "/api/DEFAULT/settings", form: withoutExpiry + "&settings[allTimeActive]=0&settings[pointsDaysActive]=45")
            #expect(legacy.status == .ok, "\(legacy.text)")
            var settings = try #require(try legacy.object()["settings"] as? [String: Any])
            #expect(settings["pointsDaysExpiryAfter"] as? String == "after_x_days" && settings["pointsDaysActiveCount"] as? Int == 45)
            #expect(settings["allTimeActive"] == nil && settings["pointsDaysActive"] == nil)

            let json = #"{"settings":{"currency":"usd","timezone":"Europe/Paris","programName":"Stars","programPointsSingular":"Star","#
                + #""programPointsPlural":"Stars","allTimeActive":true,"allTimeNotLocked":true,"tierAssignType":"points","#
                + #""levelDowngradeMode":"none","levelDowngradeBase":"none","customerStatusesEarning":["active"],"#
                + #""customerStatusesSpending":["active"],"accountActivationMethod":"email","marketingVendorsValue":"none","#
                + #""legalPoliciesVersion":"2.0","acceptTermsAndJoinProgramButtonText":"Join"}}"#
            let allTime = try await api.admin(.post, "/api/DEFAULT/settings", json: json)
            #expect(allTime.status == .ok, "\(allTime.text)")
            settings = try #require(try await api.admin(.get, "/api/DEFAULT/settings").object()["settings"] as? [String: Any])
            #expect(settings["pointsDaysExpiryAfter"] as? String == "all_time_active")

            // The current keys win over the legacy ones.
            let both = try await api.admin(.post, "/api/DEFAULT/settings", form: Self.required + "&settings[allTimeActive]=1&settings[pointsDaysActive]=5")
            settings = try #require(try both.object()["settings"] as? [String: Any])
            #expect(settings["pointsDaysExpiryAfter"] as? String == "after_x_days" && settings["pointsDaysActiveCount"] as? Int == 60)
        }
    }

    @Test func invalidSettingsAreFormErrors() async throws {
        try await CustomersAPI.run { api in
            let form = Self.required.replacingOccurrences(of: "currency]=usd", with: "currency]=gbp")
                .replacingOccurrences(of: "timezone]=Europe/Paris", with: "timezone]=Mars/Olympus")
                .replacingOccurrences(of: "&settings[pointsDaysActiveCount]=60", with: "")
                .replacingOccurrences(of: "levelDowngradeMode]=automatic", with: "levelDowngradeMode]=after_x_days")
                + "&settings[uriWebhooks]=not-a-url&settings[accentColor]=blue"
            let response = try await api.admin(.post, "/api/DEFAULT/settings", form: form)
            #expect(response.status == .badRequest)
            let children = try #require((try response.object()["form"] as? [String: Any])?["children"] as? [String: Any])
            func errors(_ field: String) -> [String]? { (children[field] as? [String: Any])?["errors"] as? [String] }
            #expect(errors("currency") == ["This value is not valid."])
            #expect(errors("timezone") == ["This value is not valid."])
            #expect(errors("pointsDaysActiveCount") == ["This value should not be blank."])
            #expect(errors("levelDowngradeDays") == ["This value should not be blank."])
            #expect(errors("levelDowngradeBase") == ["This value should not be blank."])
            #expect(errors("uriWebhooks") == ["This value is not a valid URL."])
            #expect(errors("accentColor") == ["This value is not a valid hex color."])
            #expect(errors("programName") == nil)
            #expect(try await api.admin(.get, "/api/DEFAULT/settings").object()["settings"].flatMap { ($0 as? [String: Any])?["currency"] as? String } == "eur")
        }
    }

    @Test func choicesAndAccess() async throws {
        try await CustomersAPI.run { api in
            let delivery = try await api.send(.get, "/api/DEFAULT/settings/choices/deliveryStatus")
            #expect(delivery.text == #"{"choices":["ordered","shipped","delivered","canceled"]}"#)
            let countries = try #require(try await api.send(.get, "/api/DEFAULT/settings/choices/country").object()["choices"] as? [String: String])
            #expect(countries["Poland"] == "PL")
            #expect(try await api.send(.get, "/api/DEFAULT/settings/choices/nope").status == .notFound)
            let seller = try await api.sellerToken()
            #expect(try await api.send(.get, "/api/DEFAULT/settings", token: seller.token).status == .forbidden)
            #expect(try await api.send(.get, "/api/DEFAULT/settings").status == .unauthorized)
            #expect(try await api.send(.get, "/api/DEFAULT/settings/public").status == .unauthorized)
        }
    }
}
