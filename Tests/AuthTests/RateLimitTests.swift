import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import TestSupport
import Testing

@Suite("Rate limit of log-in and refresh: 20 per minute per client address")
struct RateLimitTests {
    @Test func theTwentyFirstLogInInAMinuteFromOneAddressIsRefused() async throws {
        try await AuthAPI.run { api in
            for attempt in 1...20 {
                let password = attempt.isMultiple(of: 2) ? "open" : "wrong"
                let response = try await api.send(.post, "/api/admin/login_check", form: "_username=admin&_password=\(password)", ip: "203.0.113.7")
                #expect(response.status == (attempt.isMultiple(of: 2) ? .ok : .unauthorized), "attempt \(attempt)")
            }
            let refused = try await api.send(.post, "/api/admin/login_check", form: "_username=admin&_password=open", ip: "203.0.113.7")
            #expect(refused.status == .tooManyRequests)
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            #expect(refused.text == #"{"error":{"code":429,"message":"Too many requests, retry in \#(retryAfter) seconds"}}"#)
            let refresh = try await api.send(.post, "/api/token/refresh", form: "refresh_token=x", ip: "203.0.113.7")
            #expect(refresh.status == .tooManyRequests, "refresh shares the log-in limit")
            let customer = try await api.send(.post, "/api/DEFAULT/customer/login_check", form: "_username=a&_password=b", ip: "203.0.113.7")
            #expect(customer.status == .tooManyRequests)

            let elsewhere = try await api.send(.post, "/api/admin/login_check", form: "_username=admin&_password=open", ip: "203.0.113.8")
            #expect(elsewhere.status == .ok)
        }
    }

    @Test func theLimitIsSharedByEveryReplicaThroughTheDatabase() async throws {
        let database = try await TestDatabase.fresh()
        try await AuthAPI.run(database: database) { first in
            for _ in 1...10 {
                try await first.send(.post, "/api/token/refresh", form: "refresh_token=x", ip: "198.51.100.1")
            }
            try await AuthAPI.run(database: database) { second in
                for _ in 1...10 {
                    let response = try await second.send(.post, "/api/token/refresh", form: "refresh_token=x", ip: "198.51.100.1")
                    #expect(response.status == .unauthorized)
                }
                let refused = try await second.send(.post, "/api/token/refresh", form: "refresh_token=x", ip: "198.51.100.1")
                #expect(refused.status == .tooManyRequests)
            }
            let alsoRefused = try await first.send(.post, "/api/token/refresh", form: "refresh_token=x", ip: "198.51.100.1")
            #expect(alsoRefused.status == .tooManyRequests)
        }
        try await TestDatabase.drop(database)
    }

    @Test func concurrentHitsNeverExceedTheLimit() async throws {
        try await AuthAPI.run { api in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 1...30 {
                    group.addTask { try await api.send(.post, "/api/token/refresh", form: "refresh_token=x", ip: "192.0.2.9").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 20)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 10)
        }
    }
}
