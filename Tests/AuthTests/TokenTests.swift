import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Tokens: refresh with rotation, revoke, permanent tokens, forgeries")
struct TokenTests {
    static let invalidRefresh = #"{"code":401,"message":"Invalid refresh token"}"#
    static let invalidJWT = #"{"code":401,"message":"Invalid JWT Token"}"#

    @Test func refreshRotatesAndTheOldRefreshTokenDies() async throws {
        try await AuthAPI.run { api in
            let first = try await api.logIn("/api/admin/login_check", username: "admin", password: "open")
            let refreshed = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(first.refreshToken)")
            #expect(refreshed.status == .ok)
            let second = try refreshed.object()
            let newToken = try #require(second["token"] as? String)
            let newRefresh = try #require(second["refresh_token"] as? String)
            #expect(newRefresh != first.refreshToken)
            #expect(try claims(of: newToken)["sub"] as? String == AuthAPI.adminID)
            let works = try await api.send(.get, "/api/admin", token: newToken)
            #expect(works.status == .ok)

            let json = try await api.send(.post, "/api/token/refresh", json: #"{"refresh_token":"\#(newRefresh)"}"#)
            #expect(json.status == .ok)
            let stored = try await api.pool.query("SELECT count(*) FROM auth.refresh_tokens WHERE token_hash = \(first.refreshToken)").scalar(Int.self)
            #expect(stored == 0, "refresh tokens are stored hashed")

            for body in ["refresh_token=unknown", "", "refresh_token=\(first.refreshToken)"] {
                let refused = try await api.send(.post, "/api/token/refresh", form: body)
                #expect(refused.status == .unauthorized)
                #expect(refused.text == Self.invalidRefresh)
            }
        }
    }

    @Test func reusingARotatedRefreshTokenRevokesTheWholeFamily() async throws {
        try await AuthAPI.run { api in
            let customer = try await api.registerCustomer(email: "fam@example.com")
            let stolen = try await api.logIn("/api/DEFAULT/customer/login_check", username: "fam@example.com", password: "Secret1!")
            let legit = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(stolen.refreshToken)").object()
            let legitToken = try #require(legit["token"] as? String), legitRefresh = try #require(legit["refresh_token"] as? String)
            #expect(try claims(of: legitToken)["store"] as? String == "DEFAULT")
            #expect(try claims(of: legitToken)["sub"] as? String == customer.uuidString.lowercased())

            let replay = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(stolen.refreshToken)")
            #expect(replay.status == .unauthorized)
            #expect(replay.text == Self.invalidRefresh)
            let afterReplay = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(legitRefresh)")
            #expect(afterReplay.status == .unauthorized, "the family is revoked")
            let accessAfterReplay = try await api.send(.post, "/api/DEFAULT/customer/password/change", token: legitToken, form: "currentPassword=x")
            #expect(accessAfterReplay.status == .unauthorized)
            #expect(accessAfterReplay.text == Self.invalidJWT)
            let revoked = try await api.pool.query("SELECT count(*) FROM auth.sessions WHERE revoked_at IS NOT NULL").scalar(Int.self)
            #expect(revoked == 1)
        }
    }

    @Test func refreshIsRefusedOnceTheUserIsDeactivated() async throws {
        try await AuthAPI.run { api in
            let customer = try await api.registerCustomer(email: "late@example.com")
            let pair = try await api.logIn("/api/DEFAULT/customer/login_check", username: "late@example.com", password: "Secret1!")
            try await CustomerCredentials.deactivate(on: api.pool, storeID: try await api.storeID("DEFAULT"), customerID: customer)
            let refused = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(pair.refreshToken)")
            #expect(refused.status == .unauthorized)
            #expect(refused.text == Self.invalidRefresh)
        }
    }

    @Test func revokeLogsTheUserOutEverywhere() async throws {
        try await AuthAPI.run { api in
            let one = try await api.logIn("/api/admin/login_check", username: "admin", password: "open")
            let two = try await api.logIn("/api/admin/login_check", username: "admin", password: "open")
            let revoke = try await api.send(.get, "/api/token/revoke", token: one.token)
            #expect(revoke.status == .ok)
            #expect(revoke.text == "")
            for token in [one.token, two.token] {
                let refused = try await api.send(.get, "/api/admin", token: token)
                #expect(refused.status == .unauthorized)
                #expect(refused.text == Self.invalidJWT)
            }
            for refresh in [one.refreshToken, two.refreshToken] {
                let refused = try await api.send(.post, "/api/token/refresh", form: "refresh_token=\(refresh)")
                #expect(refused.status == .unauthorized)
            }
            let fresh = try await api.adminToken()
            let works = try await api.send(.get, "/api/admin", token: fresh)
            #expect(works.status == .ok)

            let anonymous = try await api.send(.get, "/api/token/revoke")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.text == #"{"code":401,"message":"JWT Token not found"}"#)
            let master = try await api.asMaster(.get, "/api/token/revoke")
            #expect(master.status == .forbidden)
        }
    }

    @Test func revokingATokenIssuedElsewhereStillStopsIt() async throws {
        try await AuthAPI.run { api in
            let token = try await TestTokens.token(.customer, store: "DEFAULT")
            #expect(try await api.send(.get, "/api/token/revoke", token: token).status == .ok)
            let after = try await api.send(.get, "/api/token/revoke", token: token)
            #expect(after.status == .unauthorized)
            #expect(after.text == Self.invalidJWT)
        }
    }

    @Test func forgedAndExpiredTokensAreRefusedOnAuthEndpoints() async throws {
        try await AuthAPI.run { api in
            let admin = UUID(uuidString: AuthAPI.adminID) ?? UUID()
            let cases: [(String, String)] = [
                (try await TestTokens.token(.admin, userID: admin, expiresIn: -10), #"{"code":401,"message":"Expired JWT Token"}"#),
                (try await TestTokens.signedByStranger(.admin), Self.invalidJWT),
                (try TestTokens.unsigned(.admin), Self.invalidJWT),
                (try TestTokens.hmacWithPublicKey(.admin), Self.invalidJWT),
            ]
            for (token, body) in cases {
                for path in ["/api/admin", "/api/token/revoke", "/api/store"] {
                    let response = try await api.send(.get, path, token: token)
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.text == body)
                }
            }
            let genuine = try await TestTokens.token(.admin, userID: admin)
            #expect(try await api.send(.get, "/api/admin", token: genuine).status == .ok)
        }
    }

    @Test func permanentTokensOfExternalAdminsAndTheMasterKey() async throws {
        try await AuthAPI.run { api in
            let created = try await api.asMaster(
                .post, "/api/admin/data", form: "admin[email]=robot@example.com&admin[external]=1&admin[apiKey]=customPermanentToken&admin[isActive]=1"
            )
            #expect(created.status == .ok)
            let id = try #require(try created.object()["adminId"] as? String)
            let digest = try await api.pool.query("SELECT api_key_hash FROM auth.admins WHERE id = \(id)::uuid").scalar(String.self)
            #expect(digest == Secrets.sha256Hex("customPermanentToken"))

            let header = try await api.send(.get, "/api/admin", headers: [.authToken: "customPermanentToken"])
            #expect(header.status == .forbidden, "no role, no ACL grant")
            let masterRole = try await api.pool.query("SELECT id FROM auth.roles WHERE master").scalar(Int.self)
            let update = try await api.asMaster(
                .put, "/api/admin/data/\(id)", form: "admin[email]=robot@example.com&admin[external]=1&admin[roles][]=\(masterRole)"
            )
            #expect(update.status == .ok)
            #expect(try await api.send(.get, "/api/admin", headers: [.authToken: "customPermanentToken"]).status == .ok)
            #expect(try await api.send(.get, "/api/admin?auth_token=customPermanentToken").status == .ok)
            #expect(try await api.asMaster(.get, "/api/admin").status == .ok)

            let unknown = try await api.send(.get, "/api/admin", headers: [.authToken: "guess"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text == #"{"message":"Authentication Required"}"#)

            let deactivate = try await api.asMaster(.put, "/api/admin/data/\(id)", form: "admin[email]=robot@example.com&admin[external]=1&admin[isActive]=0")
            #expect(deactivate.status == .ok)
            let refused = try await api.send(.get, "/api/admin", headers: [.authToken: "customPermanentToken"])
            #expect(refused.status == .unauthorized)
            #expect(refused.text == #"{"message":"Authentication Required"}"#)
            let noPasswordLogin = try await api.send(.post, "/api/admin/login_check", form: "_username=robot@example.com&_password=customPermanentToken")
            #expect(noPasswordLogin.status == .unauthorized)
        }
    }
}
