import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Earning rules (L-03…L-13, C38, C39), sign-up points, platform orders")
struct EarningRuleTests {
    @Test func rulesAreCreatedShownListedReplacedAndActivated() async throws {
        try await LedgerAPI.run { api in
            let created = try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Facebook+like&earningRule[description]=sth&earningRule[active]=1\
                &earningRule[allTimeActive]=0&earningRule[startAt]=2018-01-19+09:45&earningRule[endAt]=2030-03-19+09:45\
                &earningRule[eventName]=facebook_like&earningRule[pointsAmount]=100&earningRule[limit][active]=1\
                &earningRule[limit][period]=month&earningRule[limit][limit]=5&earningRule[segments]=[+]
                """)
            #expect(created.status == .ok, "\(created.text)")
            let id = try #require(try created.object()["earningRuleId"] as? String)
            let shown = try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)").object()
            #expect(shown["type"] as? String == "custom_event")
            #expect(shown["startAt"] as? String == "2018-01-19T09:45:00+00:00")
            #expect(shown["usageUrl"] as? String == "/api/v1/earnRule/facebook_like/customer/:customerId")
            #expect((shown["limit"] as? [String: Any])?["period"] as? String == "month")
            #expect(shown["levelNames"] as? [Any] != nil, "an empty map is []")
            #expect(shown["hasPhoto"] as? Bool == false)

            let duplicate = try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Other&earningRule[eventName]=facebook_like&earningRule[pointsAmount]=1
                """)
            #expect(duplicate.text.contains(#""eventName":{"errors":["Earning rule with such event name already exist"]}"#))

            let replaced = try await api.admin(.put, "/api/DEFAULT/earningRule/\(id)", form: """
                earningRule[name]=Renamed&earningRule[eventName]=facebook_like&earningRule[pointsAmount]=50&earningRule[allTimeActive]=1
                """)
            #expect(replaced.text == #"{"earningRuleId":"\#(id)"}"#)
            let after = try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)").object()
            #expect(after["name"] as? String == "Renamed")
            #expect(after["active"] as? Bool == false, "full replacement: a field left out is cleared")
            #expect(after["startAt"] == nil)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule/\(id)/activate", form: "active=1").status == .noContent)
            #expect(try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)").object()["active"] as? Bool == true)
            #expect(try await api.admin(.put, "/api/DEFAULT/earningRule/\(id)", form: "earningRule[type]=event&earningRule[name]=x").status == .badRequest)

            try await api.spendingRule("1")
            let list = try await api.admin(.get, "/api/DEFAULT/earningRule?active=active&sort=name").object()
            #expect(list["total"] as? Int == 2)
            #expect((list["earningRules"] as? [[String: Any]])?.map { $0["name"] as? String } == ["General spending rule", "Renamed"])
            let seller = try await api.sellerToken()
            #expect(try await api.send(.get, "/api/DEFAULT/seller/earningRule/\(id)", token: seller).status == .ok)
            #expect(try await api.admin(.get, "/api/DEFAULT/earningRule/\(UUID())").status == .notFound)
            let customer = try await api.customer()
            let mine = try await api.send(.get, "/api/DEFAULT/customer/earningRule", token: try await api.customerToken(customer)).object()
            #expect((mine["earningRules"] as? [Any])?.count == 2)
            #expect(mine["currency"] as? String == "eur")
        }
    }

    @Test func formErrorsOfTypeSpecificFields() async throws {
        try await LedgerAPI.run { api in
            let missing = try await api.admin(.post, "/api/DEFAULT/earningRule", form: "earningRule[type]=points&earningRule[allTimeActive]=0&earningRule[limit][active]=1")
            #expect(missing.status == .badRequest)
            for field in ["name", "pointValue", "startAt", "endAt"] {
                #expect(missing.text.contains(#""\#(field)":{"errors":["This value should not be blank."]}"#), "\(field): \(missing.text)")
            }
            #expect(missing.text.contains(#""limit":{"children":{"active":{},"period":{"errors":["This value should not be blank."]},"limit":{"errors":["This value must be greater than 0"]}}}"#))
            let badType = try await api.admin(.post, "/api/DEFAULT/earningRule", form: "earningRule[type]=lottery&earningRule[name]=x")
            #expect(badType.text.contains(#""type":{"errors":["The value you selected is not a valid choice."]}"#))
            let label = try await api.admin(.post, "/api/DEFAULT/earningRule", form: "earningRule[type]=General+spending+rule&earningRule[name]=x&earningRule[pointValue]=1")
            #expect(label.status == .ok, "human labels are accepted: \(label.text)")
        }
    }

    @Test func photosAreUploadedShownAndDeleted() async throws {
        try await LedgerAPI.run { api in
            let id = try await api.spendingRule("1")
            #expect(try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)/photo").text == #"{"error":{"code":404,"message":"Not Found"}}"#)
            let boundary = "XyZ"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"photo[file]\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--\(boundary)--\r\n"
            let upload = try await api.client.execute(
                uri: "/api/DEFAULT/earningRule/\(id)/photo", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .authToken: TestKeys.masterKey], body: ByteBuffer(string: body)
            ) { $0 }
            #expect(upload.status == .ok, "\(upload.text)")
            let photo = try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)/photo")
            #expect(photo.text == "PNGDATA")
            #expect(photo.headers[.contentType] == "image/png")
            #expect(try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)").object()["hasPhoto"] as? Bool == true)
            #expect(try await api.admin(.delete, "/api/DEFAULT/earningRule/\(id)/photo").status == .ok)
            #expect(try await api.admin(.get, "/api/DEFAULT/earningRule/\(id)/photo").status == .notFound)
        }
    }

    /// Extensions §6.2: general spending, then multipliers, then fixed product points; a stop flag ends the chain.
    @Test func transactionalRulesCombineInTheDocumentedOrder() {
        let item = { (sku: String, value: Int, labels: [Label]) in EvaluatedItem(sku: sku, grossValue: Amount(value), labels: labels) }
        let items = [item("A", 10, [Label(key: "promo", value: "x")]), item("B", 20, []), item("DELIVERY", 5, [])]
        func rule(_ type: RuleType, _ name: String, _ config: RuleConfig, stop: Bool = false, age: TimeInterval = 0) -> EarningRule {
            EarningRule(
                id: UUID(), type: type, name: name, description: "", active: true, allTimeActive: true, target: nil, levels: [], segments: [],
                pos: [], config: config, limit: nil, lastExecutedRule: stop, updatedAt: Date(timeIntervalSince1970: 1_000_000 - age)
            )
        }
        let spending = rule(.points, "spend", RuleConfig(pointValue: Amount(2), excludedSKUs: ["B"], excludeDeliveryCost: true))
        let multiply = rule(.multiplyForProduct, "double promo", RuleConfig(multiplier: Amount(2), labels: [Label(key: "promo", value: "x")]))
        let product = rule(.productPurchase, "B bonus", RuleConfig(pointsAmount: Amount(7), skuIds: ["B"]))
        let customer = CustomerProfile(id: UUID())
        let all = TransactionEvaluator.evaluate(
            items: items, purchaseDate: Date(), posID: nil, customer: customer, rules: [product, multiply, spending], deliverySKUs: ["DELIVERY"]
        )
        // A: 10 × 2 = 20, doubled = 40; B excluded from spending, +7 fixed; delivery excluded.
        #expect(all.points == Amount(47))
        #expect(all.ruleNames == ["spend", "double promo", "B bonus"])
        let stopping = rule(.points, "spend", spending.config, stop: true)
        let stopped = TransactionEvaluator.evaluate(
            items: items, purchaseDate: Date(), posID: nil, customer: customer, rules: [product, multiply, stopping], deliverySKUs: ["DELIVERY"]
        )
        #expect(stopped.points == Amount(20))
        let minimum = rule(.points, "min", RuleConfig(pointValue: Amount(1), minOrderValue: Amount(100)))
        #expect(TransactionEvaluator.evaluate(items: items, purchaseDate: Date(), posID: nil, customer: customer, rules: [minimum]).points == .zero)
        let labels = rule(.multiplyByProductLabels, "labels", RuleConfig(labelMultipliers: [LabelMultiplier(key: "promo", value: "x", multiplier: Amount(hundredths: 150))]))
        let plain = rule(.points, "plain", RuleConfig(pointValue: Amount(hundredths: 230)))
        let byLabel = TransactionEvaluator.evaluate(items: [items[0]], purchaseDate: Date(), posID: nil, customer: customer, rules: [labels, plain])
        #expect(byLabel.points == Amount(hundredths: 3450))
        let level = UUID()
        var targeted = plain
        targeted.levels = [level]
        #expect(TransactionEvaluator.evaluate(items: items, purchaseDate: Date(), posID: nil, customer: customer, rules: [targeted]).points == .zero)
        #expect(TransactionEvaluator.evaluate(items: items, purchaseDate: Date(), posID: nil, customer: CustomerProfile(id: UUID(), levelID: level), rules: [targeted]).points == Amount(hundredths: 8050))
        var posOnly = plain
        posOnly.pos = [UUID()]
        #expect(TransactionEvaluator.evaluate(items: items, purchaseDate: Date(), posID: nil, customer: customer, rules: [posOnly]).points == .zero)
    }

    @Test func customEventsPayWithinTheirLimit() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            let token = try await api.customerToken(customer)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Like&earningRule[active]=1&earningRule[eventName]=like\
                &earningRule[pointsAmount]=12&earningRule[limit][active]=1&earningRule[limit][period]=day&earningRule[limit][limit]=2
                """).status == .ok)
            let first = try await api.send(.post, "/api/DEFAULT/customer/earningRule/like", token: token)
            #expect(first.text == #"{"points":12}"#)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/earningRule/like", token: token).status == .ok)
            let third = try await api.send(.post, "/api/DEFAULT/customer/earningRule/like", token: token)
            #expect(third.text == #"{"error":"limit exceeded"}"#)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/earningRule/unknown", token: token).text == #"{"error":"event does not exist"}"#)
            #expect(try await api.available(customer) == 24)
        }
    }

    @Test func qrCodesAndGeolocationPay() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=qrcode&earningRule[name]=QR&earningRule[active]=1&earningRule[code]=abccode&earningRule[pointsAmount]=10\
                &earningRule[limit][active]=1&earningRule[limit][period]=forever&earningRule[limit][limit]=1
                """).status == .ok)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=geolocation&earningRule[name]=Shop&earningRule[active]=1&earningRule[latitude]=51.1079\
                &earningRule[longitude]=17.0385&earningRule[radius]=2&earningRule[pointsAmount]=1
                """).status == .ok)
            let qr = try await api.admin(.post, "/api/DEFAULT/earningRule/qrcode/customer/\(customer)", form: "earningRule[code]=abccode")
            #expect(qr.text == #"{"points":10}"#)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule/qrcode/customer/\(customer)", form: "earningRule[code]=abccode").text == #"{"error":"limit exceeded"}"#)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule/qrcode/customer/\(customer)", form: "earningRule[code]=nope").text == #"{"error":"event does not exist"}"#)
            let near = try await api.admin(.post, "/api/DEFAULT/earningRule/geolocation/customer/\(customer)", form: "earningRule[latitude]=51.11&earningRule[longitude]=17.03")
            #expect(near.text == #"{"points":1}"#)
            let far = try await api.admin(.post, "/api/DEFAULT/earningRule/geolocation/customer/\(customer)", form: "earningRule[latitude]=52.23&earningRule[longitude]=21.01")
            #expect(far.status == .badRequest)
            let token = try await api.customerToken(try await api.customer())
            #expect(try await api.send(.post, "/api/DEFAULT/earningRule/qrcode/customer/\(customer)", token: token, form: "earningRule[code]=abccode").status == .forbidden)
            #expect(try await api.available(customer) == 11)
        }
    }

    @Test func signUpPointsAreAwardedOnceWhenACustomerRegisters() async throws {
        try await LedgerAPI.run { api in
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=event&earningRule[name]=Welcome&earningRule[active]=1&earningRule[eventName]=oloy.account.created&earningRule[pointsAmount]=25
                """).status == .ok)
            let customer = try await api.customer(status: "new")
            let storeID = try await api.storeID()
            try await EventLog.append(NewEvent(
                storeID: storeID, aggregateType: "customer", aggregateID: customer.uuidString.lowercased(), type: "CustomerWasRegistered",
                payload: JSONB(text: #"{"customerId":"\#(customer.uuidString.lowercased())"}"#)
            ), on: api.pool)
            // The service's own consumer may take the event first: drain too, then wait until the queue is empty.
            await SignUpReaction.consumer(api.runtime).drain()
            try await api.waitUntilHandled(consumer: SignUpReaction.consumerName)
            #expect(try await api.available(customer) == 25)
            let comments = try await api.pool.query("SELECT comment FROM ledger.transfers").map { try $0.decode(String.self, "comment") }
            #expect(comments == ["Welcome"])
        }
    }

    @Test func logInPointsArePaidPerLogInWithinTheRuleLimit() async throws {
        try await LedgerAPI.run { api in
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=event&earningRule[name]=Come back&earningRule[active]=1&earningRule[eventName]=oloy.customer.logged_in\
                &earningRule[pointsAmount]=3&earningRule[limit][active]=1&earningRule[limit][period]=month&earningRule[limit][limit]=2
                """).status == .ok)
            let customer = try await api.customer()
            let storeID = try await api.storeID()
            let id = customer.uuidString.lowercased()
            for _ in 1...3 {
                try await EventLog.append(NewEvent(
                    storeID: storeID, aggregateType: "customer", aggregateID: id, type: "CustomerLoggedIn",
                    payload: JSONB(text: #"{"customerId":"\#(id)"}"#)
                ), on: api.pool)
            }
            await SignUpReaction.consumer(api.runtime).drain()
            try await api.waitUntilHandled(consumer: SignUpReaction.consumerName)
            #expect(try await api.available(customer) == 6, "two log-ins a month pay; the third is over the limit")
            let comments = try await api.pool.query("SELECT comment FROM ledger.transfers").map { try $0.decode(String.self, "comment") }
            #expect(comments == ["Come back", "Come back"])
        }
    }

    @Test func platformOrdersAreIdempotentPerOrderID() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "shop@example.com")
            try await api.spendingRule("1.5")
            let body = #"{"order":{"id":"1001","customer":{"email":"shop@example.com"},"items":[{"sku":{"code":"A"},"name":"Shirt","quantity":1,"grossValue":20}]}}"#
            let first = try await api.admin(.post, "/api/DEFAULT/platform/orders", json: body)
            #expect(first.status == .ok, "\(first.text)")
            #expect(number(try first.object()["pointsEarned"]) == "30")
            let again = try await api.admin(.post, "/api/DEFAULT/platform/orders", json: body)
            #expect(try again.object()["duplicate"] as? Bool == true)
            #expect(try again.object()["transactionId"] as? String == (try first.object()["transactionId"] as? String))
            #expect(try await api.available(customer) == 30)
            let byID = #"{"order":{"id":"1002","customer":{"id":"\#(customer.uuidString)"},"items":[{"sku":"B","name":"Cap","grossValue":"10"}]}}"#
            #expect(number(try await api.admin(.post, "/api/DEFAULT/platform/orders", json: byID).object()["pointsEarned"]) == "15")
            #expect(try await api.admin(.post, "/api/DEFAULT/platform/orders", json: #"{"order":{}}"#).status == .badRequest)
        }
    }
}

@Suite("Referral rules")
struct ReferralTests {
    @Test func referralRulesPayOnRegistrationAndPurchases() async throws {
        try await LedgerAPI.run { api in
            let storeID = try await api.storeID()
            let referrer = try await api.customer(email: "referrer@example.com")
            let recipient = try await api.customer(email: "recipient@example.com")
            let invitation = UUID()
            try await api.pool.execute("""
                INSERT INTO customers.invitations (store_id, id, referrer_id, recipient_email, recipient_id, status, token)
                VALUES (\(storeID), \(invitation), \(referrer), 'recipient@example.com', \(recipient), 'registered', 't0ken')
                """)
            for (event, reward, points) in [("register", "both", "5"), ("first_purchase", "referrer", "20"), ("every_purchase", "referred", "3")] {
                #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                    earningRule[type]=referral&earningRule[name]=\(event)&earningRule[active]=1&earningRule[eventName]=\(event)\
                    &earningRule[rewardType]=\(reward)&earningRule[pointsAmount]=\(points)
                    """).status == .ok)
            }
            try await EventLog.append(NewEvent(
                storeID: storeID, aggregateType: "customer", aggregateID: recipient.uuidString.lowercased(), type: "CustomerWasAttachedToInvitation",
                payload: JSONB(text: #"{"customerId":"\#(recipient.uuidString.lowercased())","invitationId":"\#(invitation.uuidString.lowercased())"}"#)
            ), on: api.pool)
            await SignUpReaction.consumer(api.runtime).drain()
            try await api.waitUntilHandled(consumer: SignUpReaction.consumerName)
            #expect(try await api.available(referrer) == 5)
            #expect(try await api.available(recipient) == 5)

            #expect(try await api.register("R-1", email: "recipient@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.register("R-2", email: "recipient@example.com", items: [("A", "10")]).status == .ok)
            #expect(try await api.available(referrer) == 25)
            #expect(try await api.available(recipient) == 8)
            let comments = try await api.pool.query("""
                SELECT comment FROM ledger.transfers WHERE invitation_id = \(invitation) ORDER BY created_at, comment
                """).map { try $0.decode(String.self, "comment") }
            #expect(comments.contains("Referring customer \(recipient.uuidString.lowercased())"))
            #expect(comments.contains("\(referrer.uuidString.lowercased()) customer referral"))
        }
    }
}

@Suite("Newsletter rule")
struct NewsletterTests {
    @Test func theNewsletterRulePaysOnceWhenConsentIsSeen() async throws {
        try await LedgerAPI.run { api in
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=event&earningRule[name]=Newsletter&earningRule[active]=1\
                &earningRule[eventName]=oloy.customer.newsletter_subscription&earningRule[pointsAmount]=85
                """).status == .ok)
            let customer = try await api.customer()
            let storeID = try await api.storeID()
            for type in ["CustomerDetailsWereUpdated", "CustomerDetailsWereUpdated", "CustomerWasActivated"] {
                try await EventLog.append(NewEvent(
                    storeID: storeID, aggregateType: "customer", aggregateID: customer.uuidString.lowercased(), type: type,
                    payload: JSONB(text: #"{"customerId":"\#(customer.uuidString.lowercased())","agreement2":true}"#)
                ), on: api.pool)
            }
            await SignUpReaction.consumer(api.runtime).drain()
            try await api.waitUntilHandled(consumer: SignUpReaction.consumerName)
            #expect(try await api.available(customer) == 85)
        }
    }
}
