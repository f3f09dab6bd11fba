import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("ACL API (EP-29…35) and its enforcement")
struct AclTests {
    @Test func rolesAreCreatedShownListedReplacedAndDeleted() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let create = try await api.send(.post, "/api/admin/acl/role", token: token, form: """
                role[name]=Reporter+admin&role[default]=true&role[permissions][0][resource]=LEVEL&role[permissions][0][access]=MODIFY\
                &role[permissions][1][resource]=EARNING_RULE&role[permissions][1][access]=VIEW
                """)
            #expect(create.status == .noContent)
            #expect(create.text == "")
            let location = try #require(create.headers[.location])
            let id = try #require(Int(location.replacingOccurrences(of: "/api/admin/acl/role/", with: "")))
            let permissionIDs = try await api.pool.query("SELECT id FROM auth.role_permissions WHERE role_id = \(id) ORDER BY id").map { try $0.decode(Int.self, "id") }
            #expect(permissionIDs.count == 2)

            let shown = try await api.send(.get, location, token: token)
            #expect(shown.text == """
                {"default":true,"id":\(id),"master":false,"name":"Reporter admin","permissions":[{"access":"MODIFY","id":\(permissionIDs[0]),"resource":"LEVEL"},\
                {"access":"VIEW","id":\(permissionIDs[1]),"resource":"EARNING_RULE"}],"role":"ROLE_ADMIN"}
                """)

            let list = try await api.send(.get, "/api/admin/acl/role", token: token)
            #expect(list.text == """
                {"roles":[{"default":false,"id":1,"master":true,"name":"Super admin","permissions":[],"role":"ROLE_ADMIN"},\(shown.text)],"total":2}
                """)

            let update = try await api.send(.put, location, token: token, json: """
                {"role":{"name":"Reporter","permissions":[{"resource":"EARNING_RULE","access":"VIEW"},{"resource":"SEGMENT_EXPORT","access":"VIEW"}]}}
                """)
            #expect(update.status == .noContent)
            let updated = try await api.send(.get, location, token: token).object()
            #expect(updated["name"] as? String == "Reporter")
            #expect(updated["default"] as? Bool == false)
            let permissions = try #require(updated["permissions"] as? [[String: Any]])
            #expect(permissions.map { $0["resource"] as? String } == ["EARNING_RULE", "SEGMENT_EXPORT"])
            #expect(permissions.first?["id"] as? Int == permissionIDs[1], "an unchanged grant keeps its id")

            let delete = try await api.send(.delete, location, token: token)
            #expect(delete.status == .noContent)
            #expect(try await api.send(.get, location, token: token).status == .notFound)
            #expect(try await api.send(.delete, location, token: token).status == .notFound)
            #expect(try await api.send(.put, location, token: token, form: "role[name]=x").status == .notFound)
            let types = try await api.pool.query("SELECT type FROM suite.events WHERE aggregate_type = 'role' ORDER BY id").map { try $0.decode(String.self, "type") }
            #expect(types == ["RoleWasCreated", "RoleWasUpdated", "RoleWasDeleted"])
        }
    }

    @Test func onlyOneRoleIsTheDefaultAndNewAdminsWithoutARoleGetIt() async throws {
        try await AuthAPI.run { api in
            let first = try await api.createRole("First", grants: [])
            _ = try await api.asMaster(.put, "/api/admin/acl/role/\(first)", form: "role[name]=First&role[default]=1")
            let second = try await api.createRole("Second", grants: [("LEVEL", "VIEW")])
            _ = try await api.asMaster(.put, "/api/admin/acl/role/\(second)", form: "role[name]=Second&role[default]=1")
            let defaults = try await api.pool.query("SELECT id FROM auth.roles WHERE is_default").map { try $0.decode(Int.self, "id") }
            #expect(defaults == [second])
            let admin = try await api.asMaster(.post, "/api/admin/data", form: "admin[email]=new@example.com&admin[plainPassword]=x")
            let id = try #require(try admin.object()["adminId"] as? String)
            let role = try await api.pool.query("SELECT role_id FROM auth.admins WHERE id = \(id)::uuid").scalar(Int?.self)
            #expect(role == second)
        }
    }

    @Test func deletingTheMasterRoleOrARoleInUseIsRefused() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let master = try await api.send(.delete, "/api/admin/acl/role/1", token: token)
            #expect(master.status == .badRequest)
            #expect(master.text == #"{"error":"The master role cannot be deleted."}"#)
            let role = try await api.createRole("Used", grants: [("LEVEL", "VIEW")])
            _ = try await api.adminWithRole(role)
            let inUse = try await api.send(.delete, "/api/admin/acl/role/\(role)", token: token)
            #expect(inUse.status == .badRequest)
            #expect(inUse.text == #"{"error":"The role is assigned to admin users and cannot be deleted."}"#)
            #expect(try await api.count("auth.roles") == 2)
        }
    }

    @Test func roleFormErrors() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let before = try await api.count("auth.roles")
            let empty = try await api.send(.post, "/api/admin/acl/role", token: token)
            #expect(empty.text == #"{"form":{"children":{"name":{},"default":{},"permissions":{}}},"errors":[]}"#)
            let invalid = try await api.send(.post, "/api/admin/acl/role", token: token, form: """
                role[name]=&role[permissions][0][resource]=NOPE&role[permissions][0][access]=VIEW&role[permissions][1][resource]=LEVEL&role[permissions][1][access]=ALL
                """)
            #expect(invalid.status == .badRequest)
            #expect(invalid.text == """
                {"form":{"children":{"name":{"errors":["This value should not be blank."]},"default":{},"permissions":{"children":\
                {"0":{"children":{"resource":{"errors":["The value you selected is not a valid choice."]}}},\
                "1":{"children":{"access":{"errors":["The value you selected is not a valid choice."]}}}}}}},"errors":[]}
                """)
            #expect(try await api.count("auth.roles") == before)
        }
    }

    @Test func resourcesAndAccessesAreTheCanonicalLists() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            let resources = try await api.send(.get, "/api/admin/acl/resources", token: token).object()
            let items = try #require(resources["resources"] as? [[String: String]])
            #expect(items.map { $0["code"] } == AclResource.all.map(\.code))
            #expect(items.prefix(3).map { $0["name"] } == ["Utilities", "Earning rules", "Levels"])
            #expect(resources["total"] as? Int == AclResource.all.count)
            let accesses = try await api.send(.get, "/api/admin/acl/accesses", token: token)
            #expect(accesses.text == #"{"accesses":[{"code":"VIEW","name":"View"},{"code":"MODIFY","name":"Modify"}],"total":2}"#)
        }
    }

    @Test func anAdminWithOnlyViewGets403OnModifyEndpoints() async throws {
        try await AuthAPI.run { api in
            let role = try await api.createRole("Viewer", grants: [("ADMIN", "VIEW"), ("ACL", "VIEW"), ("STORE", "VIEW"), ("AUDIT", "VIEW")])
            let viewer = try await api.adminWithRole(role)
            let forbidden = #"{"error":{"code":403,"message":"Forbidden"}}"#
            for (method, path) in [(HTTPRequest.Method.get, "/api/admin"), (.get, "/api/admin/acl/role"), (.get, "/api/store"), (.get, "/api/audit/log"), (.get, "/api/event")] {
                #expect(try await api.send(method, path, token: viewer.token).status == .ok, "\(path)")
            }
            let store = try await api.storeID("DEFAULT")
            let modifications: [(HTTPRequest.Method, String, String)] = [
                (.post, "/api/admin/data", "admin[email]=x@example.com&admin[plainPassword]=x"),
                (.put, "/api/admin/data/\(AuthAPI.adminID)", "admin[email]=admin@example.com"),
                (.post, "/api/admin/acl/role", "role[name]=x"),
                (.put, "/api/admin/acl/role/1", "role[name]=x"),
                (.delete, "/api/admin/acl/role/\(role)", ""),
                (.post, "/api/store", "store[code]=X&store[name]=X&store[currency]=EUR"),
                (.put, "/api/store/\(store)", "store[name]=X"),
                (.post, "/api/audit/log/archive", "archive[beforeDate]=2019-03-10"),
                (.post, "/api/store/\(store)/api_credentials", ""),
                (.get, "/api/store/\(store)/api_credentials", ""),
            ]
            for (method, path, form) in modifications {
                let response = try await api.send(method, path, token: viewer.token, form: form)
                #expect(response.status == .forbidden, "\(method) \(path)")
                #expect(response.text == forbidden)
            }
            #expect(try await api.count("auth.roles") == 2)

            _ = try await api.asMaster(.put, "/api/admin/acl/role/\(role)", form: "role[name]=Viewer&role[permissions][0][resource]=ADMIN&role[permissions][0][access]=MODIFY")
            let granted = try await api.send(.post, "/api/admin/data", token: viewer.token, form: "admin[email]=y@example.com&admin[plainPassword]=x")
            #expect(granted.status == .ok, "MODIFY takes effect at once")
            #expect(try await api.send(.get, "/api/store", token: viewer.token).status == .forbidden, "and the removed grant too")
        }
    }

    @Test func customersAndSellersAreRefusedOnAdminEndpoints() async throws {
        try await AuthAPI.run { api in
            try await api.registerCustomer(email: "c@example.com")
            let customer = try await api.logIn("/api/DEFAULT/customer/login_check", username: "c@example.com", password: "Secret1!").token
            try await api.registerSeller(email: "s@example.com")
            let seller = try await api.logIn("/api/DEFAULT/seller/login_check", username: "s@example.com", password: "Secret1!").token
            for token in [customer, seller] {
                for path in ["/api/admin", "/api/admin/acl/role", "/api/admin/acl/resources", "/api/store", "/api/audit/log", "/api/event"] {
                    let response = try await api.send(.get, path, token: token)
                    #expect(response.status == .forbidden, "\(path)")
                }
                let change = try await api.send(.post, "/api/DEFAULT/admin/password/change", token: token, form: "currentPassword=Secret1!&plainPassword=N3w-password")
                #expect(change.status == .forbidden)
            }
            let anonymous = try await api.send(.get, "/api/admin")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.text == #"{"code":401,"message":"JWT Token not found"}"#)
        }
    }
}
