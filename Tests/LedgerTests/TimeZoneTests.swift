import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import TestSupport
import Testing

/// The store's `timezone` setting decides where days, months and years begin for the ledger.
@Suite("The store's time zone: expiry dates and usage-limit windows")
struct TimeZoneTests {
    @Test func pointsExpireAtTheEndOfTheDayMonthOrYearOfTheStoresZone() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            let expiries: [(settings: String, zone: String, expected: String)] = [
                (#"{"timezone":"America/New_York","pointsDaysExpiryAfter":"at_the_end_of_the_month"}"#, "America/New_York",
                 "date_trunc('month', created_at AT TIME ZONE 'America/New_York') + interval '1 month' - interval '1 second'"),
                (#"{"timezone":"Asia/Tokyo","pointsDaysExpiryAfter":"at_the_end_of_the_year"}"#, "Asia/Tokyo",
                 "date_trunc('year', created_at AT TIME ZONE 'Asia/Tokyo') + interval '1 year' - interval '1 second'"),
                (#"{"timezone":"Pacific/Kiritimati","pointsDaysActiveCount":7}"#, "Pacific/Kiritimati",
                 "date_trunc('day', created_at AT TIME ZONE 'Pacific/Kiritimati') + interval '7 days 23:59:59'"),
                // A zone the platform does not know (saved before it was checked) counts as UTC.
                (#"{"timezone":"Mars/Olympus","pointsDaysActiveCount":7}"#, "UTC",
                 "date_trunc('day', created_at AT TIME ZONE 'UTC') + interval '7 days 23:59:59'"),
            ]
            for (settings, zone, expected) in expiries {
                try await api.settings(settings)
                let transfer = try await api.add("10", to: customer)
                let row = try await api.pool.query("""
                    SELECT (expires_at AT TIME ZONE \(zone)::text)::text AS local, (\(unsafeRaw: expected))::text AS expected
                    FROM ledger.transfers WHERE id = \(transfer)::uuid
                    """).firstRow
                let local = try #require(try row?.decode(String.self, "local"))
                #expect(local == (try row?.decode(String.self, "expected")), "\(zone)")
                #expect(local.hasSuffix("23:59:59"), "\(zone)")
            }
        }
    }

    @Test func aDailyLimitCountsTheDayOfTheStoresZone() async throws {
        try await LedgerAPI.run { api in
            // UTC+14: its day begins ten hours before UTC's, so a UTC day would count the wrong uses.
            try await api.settings(#"{"timezone":"Pacific/Kiritimati"}"#)
            let customer = try await api.customer()
            let token = try await api.customerToken(customer)
            #expect(try await api.admin(.post, "/api/DEFAULT/earningRule", form: """
                earningRule[type]=custom_event&earningRule[name]=Like&earningRule[active]=1&earningRule[eventName]=like\
                &earningRule[pointsAmount]=5&earningRule[limit][active]=1&earningRule[limit][period]=day&earningRule[limit][limit]=1
                """).status == .ok)
            let rule = try await api.pool.query("SELECT id FROM ledger.earning_rules WHERE name = 'Like'").scalar(UUID.self)
            let storeID = try await api.storeID()
            func use(minutesFromLocalMidnight minutes: Int) async throws {
                try await api.pool.execute("""
                    INSERT INTO ledger.earning_rule_usages (store_id, rule_id, customer_id, used_at)
                    VALUES (\(storeID), \(rule), \(customer),
                            (date_trunc('day', now() AT TIME ZONE 'Pacific/Kiritimati') AT TIME ZONE 'Pacific/Kiritimati')
                            + make_interval(mins => \(minutes)))
                    """)
            }
            // A use one minute before today's local midnight was yesterday: today's award is still open.
            try await use(minutesFromLocalMidnight: -1)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/earningRule/like", token: token).text == #"{"points":5}"#)
            try await api.pool.execute("DELETE FROM ledger.earning_rule_usages")
            // A use one minute after it was today: the limit of one is reached.
            try await use(minutesFromLocalMidnight: 1)
            #expect(try await api.send(.post, "/api/DEFAULT/customer/earningRule/like", token: token).text == #"{"error":"limit exceeded"}"#)
            #expect(try await api.available(customer) == 5)
        }
    }
}
