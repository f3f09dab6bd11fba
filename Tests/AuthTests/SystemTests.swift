import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import TestSupport
import Testing

@Suite("Version and health check of the auth service (EP-01, EP-02)")
struct SystemTests {
    @Test func versionAndHealthcheckAnswerWithoutCredentials() async throws {
        try await AuthAPI.run { api in
            let version = try await api.send(.get, "/api/")
            #expect(version.text == #"{"name":"OpenLoyalty","version":"4.2.0"}"#)
            let health = try await api.send(.get, "/api/healthcheck")
            #expect(health.status == .noContent)
        }
    }

    @Test func theRouteTableHoldsEveryAuthEndpoint() async throws {
        let routes = Set(await ServiceMain.routeTable(AuthService.definition))
        let expected = [
            "GET /api/admin", "POST /api/admin/data", "GET /api/admin/data/{admin}", "PUT /api/admin/data/{admin}",
            "POST /api/admin/login_check", "POST /api/{storeCode}/customer/login_check", "POST /api/{storeCode}/seller/login_check",
            "GET /api/audit/log", "GET /api/audit/log/export", "POST /api/audit/log/archive", "GET /api/audit/log/archive",
            "GET /api/audit/log/archive/{filename}", "POST /api/{storeCode}/customer/password/reset/request",
            "POST /api/password/reset", "POST /api/{storeCode}/customer/password/change", "POST /api/{storeCode}/admin/password/change",
            "POST /api/password/reset/request", "GET /api/token/revoke", "POST /api/token/refresh", "GET /api/store/{store}",
            "PUT /api/store/{store}", "GET /api/store", "POST /api/store", "POST /api/admin/acl/role", "GET /api/admin/acl/role/{role}",
            "GET /api/admin/acl/role", "PUT /api/admin/acl/role/{role}", "GET /api/admin/acl/resources", "GET /api/admin/acl/accesses",
            "DELETE /api/admin/acl/role/{role}", "GET /api/event", "GET /api/event/{eventId}",
            "POST /api/store/{store}/api_credentials", "GET /api/store/{store}/api_credentials",
            "DELETE /api/store/{store}/api_credentials/{userId}", "POST /v1/stores/{subscriberId}/loyalty/login",
        ]
        for route in expected {
            #expect(routes.contains(route), "missing \(route)")
        }
    }
}
