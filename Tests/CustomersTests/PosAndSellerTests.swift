import Auth
import Customers
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

extension CustomersAPI {
    static let posForm = "pos[name]=Main&pos[identifier]=pos1&pos[description]=First&pos[location][street]=Bagno&pos[location][address1]=1"
        + "&pos[location][postal]=00-001&pos[location][city]=Warsaw&pos[location][province]=Mazowieckie&pos[location][country]=PL"
        + "&pos[location][lat]=52.2&pos[location][long]=21.0"

    @discardableResult
    func createPos(_ form: String = CustomersAPI.posForm) async throws -> UUID {
        let response = try await admin(.post, "/api/DEFAULT/pos", form: form)
        #expect(response.status == .ok, "pos: \(response.text)")
        return try #require((try response.object()["posId"] as? String).flatMap(UUID.init(uuidString:)))
    }
}

@Suite("POS (PS-01…PS-07, C20, C30) and sellers (SL-01…SL-07, SL-09)")
struct PosAndSellerTests {
    @Test func posCreateReadUpdate() async throws {
        try await CustomersAPI.run { api in
            let id = try await api.createPos()
            let pos = try await api.admin(.get, "/api/DEFAULT/pos/\(id.text)").object()
            #expect(pos["posId"] as? String == id.text)
            #expect(pos["name"] as? String == "Main" && pos["identifier"] as? String == "pos1")
            let location = try #require(pos["location"] as? [String: Any])
            #expect(location["country"] as? String == "PL" && location["city"] as? String == "Warsaw")
            #expect((location["geoPoint"] as? [String: String]) == ["lat": "52.2", "long": "21.0"])
            #expect(pos["transactionsCount"] as? Int == 0 && pos["currency"] as? String == "eur")
            #expect(try await api.admin(.get, "/api/DEFAULT/pos/identifier/pos1").object()["posId"] as? String == id.text)
            #expect(try await api.admin(.get, "/api/DEFAULT/pos/identifier/nope").status == .notFound)

            let update = try await api.admin(.put, "/api/DEFAULT/pos/\(id.text)",
                form: CustomersAPI.posForm.replacingOccurrences(of: "pos[name]=Main", with: "pos[name]=Renamed").replacingOccurrences(of: "&pos[description]=First", with: ""))
            #expect(update.text == #"{"posId":"\#(id.text)"}"#)
            let updated = try await api.admin(.get, "/api/DEFAULT/pos/\(id.text)").object()
            #expect(updated["name"] as? String == "Renamed" && updated["description"] as? String == "First")
            #expect(try await api.admin(.get, "/api/DEFAULT/pos").object()["total"] as? Int == 1)
            let seller = try await api.sellerToken()
            #expect(try await api.send(.get, "/api/DEFAULT/seller/pos", token: seller.token).status == .ok)
            #expect(try await api.send(.get, "/api/DEFAULT/seller/pos/\(id.text)", token: seller.token).status == .ok)
            #expect(try await api.send(.post, "/api/DEFAULT/pos", token: seller.token, form: CustomersAPI.posForm).status == .forbidden)
            #expect(try await api.events(of: id) == ["PosWasCreated", "PosWasUpdated"])
        }
    }

    @Test func posFormErrors() async throws {
        try await CustomersAPI.run { api in
            let response = try await api.admin(.post, "/api/DEFAULT/pos", form: "pos[name]=X&pos[location][country]=Poland")
            #expect(response.status == .badRequest)
            #expect(response.text == #"{"form":{"children":{"name":{},"identifier":{"errors":["This value should not be blank."]},"description":{},"location":{"children":{"street":{"errors":["This value should not be blank."]},"address1":{"errors":["This value should not be blank."]},"address2":{},"postal":{"errors":["This value should not be blank."]},"city":{"errors":["This value should not be blank."]},"province":{"errors":["This value should not be blank."]},"country":{"errors":["This value is not a valid country."]},"lat":{},"long":{}}}}},"errors":[]}"#)
            #expect(try await api.count("SELECT count(*) FROM customers.pos") == 0)
        }
    }

    @Test func posAssignmentToCustomers() async throws {
        try await CustomersAPI.run { api in
            let pos = try await api.createPos()
            let id = try await api.register(email: "atpos@example.com")
            let assigned = try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/pos", form: "posId=\(pos.text)")
            #expect(assigned.status == .ok && assigned.text == "[]")
            #expect(try await api.pool.query("SELECT pos_id FROM customers.customers WHERE id = \(id)").scalar(UUID?.self) == pos)
            #expect(try await api.events(of: id).last == "PosWasAssignedToCustomer")
            let seller = try await api.sellerToken()
            let second = try await api.createPos(CustomersAPI.posForm.replacingOccurrences(of: "pos1", with: "pos2"))
            #expect(try await api.send(.post, "/api/DEFAULT/seller/customer/\(id.text)/pos", token: seller.token, form: "posId=\(second.text)").status == .ok)
            #expect(try await api.pool.query("SELECT pos_id FROM customers.customers WHERE id = \(id)").scalar(UUID?.self) == second)
            let missing = try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/pos")
            #expect(missing.status == .badRequest && missing.text == #"{"posId":"field is required"}"#)
            #expect(try await api.admin(.post, "/api/DEFAULT/customer/\(id.text)/pos", form: "posId=\(UUID().text)").status == .badRequest)
        }
    }

    @Test func sellerRegistrationCreatesItsLogIn() async throws {
        try await CustomersAPI.run { api in
            let pos = try await api.createPos()
            let form = "seller[firstName]=Sam&seller[lastName]=Seller&seller[email]=Sam@Shop.com&seller[phone]=%2B48123456789"
                + "&seller[posId]=\(pos.text)&seller[plainPassword]=Passw0rd!&seller[active]=1&seller[allowPointTransfer]=1"
            let response = try await api.admin(.post, "/api/DEFAULT/seller/register", form: form)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.object()
            #expect(body["email"] as? String == "sam@shop.com" && body["password"] as? String == "Passw0rd!")
            let id = try #require((body["sellerId"] as? String).flatMap(UUID.init(uuidString:)))
            let storeID = try await api.storeID()
            let credential = try #require(try await SellerCredentials.find(on: api.pool, storeID: storeID, sellerID: id))
            #expect(credential.email == "sam@shop.com" && credential.active && credential.hasPassword)
            #expect(try await SellerCredentials.verifyPassword(on: api.pool, storeID: storeID, sellerID: id, password: "Passw0rd!"))

            let seller = try await api.admin(.get, "/api/DEFAULT/seller/\(id.text)").object()
            #expect(seller["name"] as? String == "Sam Seller")
            #expect(seller["posId"] as? String == pos.text && seller["posName"] as? String == "Main" && seller["posCity"] as? String == "Warsaw")
            #expect(seller["active"] as? Bool == true && seller["deleted"] as? Bool == false && seller["allowPointTransfer"] as? Bool == true)

            let duplicate = try await api.admin(.post, "/api/DEFAULT/seller/register", form: form.replacingOccurrences(of: "Sam@Shop.com", with: "SAM@shop.com"))
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.text.contains(#""email":{"errors":["This email is already taken"]}"#), "\(duplicate.text)")
            let empty = try await api.admin(.post, "/api/DEFAULT/seller/register", form: "seller[phone]=abc")
            #expect(empty.text == #"{"form":{"children":{"firstName":{"errors":["This value should not be blank."]},"lastName":{"errors":["This value should not be blank."]},"email":{"errors":["This value should not be blank."]},"phone":{"errors":["Incorrect phone number format, use +00000000000"]},"posId":{"errors":["This value should not be blank."]},"plainPassword":{"errors":["This value should not be blank."]},"active":{},"allowPointTransfer":{}}},"errors":[]}"#)
            #expect(try await api.count("SELECT count(*) FROM customers.sellers") == 1)
            #expect(try await api.count("SELECT count(*) FROM auth.seller_credentials") == 1)

            let list = try await api.admin(.get, "/api/DEFAULT/seller?email=shop").object()
            #expect(list["total"] as? Int == 1)
            #expect(try await api.admin(.get, "/api/DEFAULT/seller?lastName=zzz").object()["total"] as? Int == 0)
            // The literal routes under /seller still win over /seller/{seller}.
            #expect(try await api.admin(.get, "/api/DEFAULT/seller/level").status == .ok)
            #expect(try await api.admin(.get, "/api/DEFAULT/seller/pos").status == .ok)
        }
    }

    @Test func sellerUpdateDeactivationAndSoftDelete() async throws {
        try await CustomersAPI.run { api in
            let pos = try await api.createPos()
            let form = "seller[firstName]=Al&seller[lastName]=B&seller[email]=al@shop.com&seller[posId]=\(pos.text)&seller[plainPassword]=Passw0rd!&seller[active]=1"
            let id = try #require((try await api.admin(.post, "/api/DEFAULT/seller/register", form: form).object()["sellerId"] as? String).flatMap(UUID.init(uuidString:)))
            let storeID = try await api.storeID()

            let update = try await api.admin(.put, "/api/DEFAULT/seller/\(id.text)",
                form: "seller[firstName]=Alan&seller[lastName]=B&seller[email]=alan@shop.com&seller[posId]=\(pos.text)&seller[active]=1")
            #expect(update.status == .ok && update.text == #"{"sellerId":"\#(id.text)"}"#)
            #expect(try await SellerCredentials.find(on: api.pool, storeID: storeID, sellerID: id)?.email == "alan@shop.com")
            #expect(try await SellerCredentials.verifyPassword(on: api.pool, storeID: storeID, sellerID: id, password: "Passw0rd!"))

            let off = try await api.admin(.post, "/api/DEFAULT/seller/\(id.text)/deactivate")
            #expect(off.status == .ok && off.text == "")
            #expect(try await SellerCredentials.find(on: api.pool, storeID: storeID, sellerID: id)?.active == false)
            #expect(try await api.admin(.get, "/api/DEFAULT/seller/\(id.text)").object()["active"] as? Bool == false)
            #expect(try await api.admin(.post, "/api/DEFAULT/seller/\(id.text)/activate").status == .ok)
            #expect(try await SellerCredentials.find(on: api.pool, storeID: storeID, sellerID: id)?.active == true)

            // The seller reads itself and changes its password.
            let token = try await TestTokens.token(.seller, userID: id, store: "DEFAULT")
            #expect(try await api.send(.get, "/api/DEFAULT/seller/\(id.text)", token: token).status == .ok)
            let wrong = try await api.send(.post, "/api/DEFAULT/seller/password/change", token: token, form: "currentPassword=nope&plainPassword=N3w-passw0rd")
            #expect(wrong.status == .badRequest)
            let changed = try await api.send(.post, "/api/DEFAULT/seller/password/change", token: token, form: "currentPassword=Passw0rd!&plainPassword=N3w-passw0rd")
            #expect(changed.status == .ok && changed.text == #"{"success":true}"#)
            #expect(try await SellerCredentials.verifyPassword(on: api.pool, storeID: storeID, sellerID: id, password: "N3w-passw0rd"))

            let deleted = try await api.admin(.post, "/api/DEFAULT/seller/\(id.text)/delete")
            #expect(deleted.status == .ok && deleted.text == "")
            #expect(try await SellerCredentials.find(on: api.pool, storeID: storeID, sellerID: id) == nil)
            #expect(try await api.admin(.get, "/api/DEFAULT/seller/\(id.text)").status == .notFound)
            #expect(try await api.admin(.get, "/api/DEFAULT/seller").object()["total"] as? Int == 0)
            #expect(try await api.pool.query("SELECT deleted FROM customers.sellers WHERE id = \(id)").scalar(Bool.self))
            // Its tokens stop working.
            #expect(try await api.send(.get, "/api/DEFAULT/seller/\(id.text)", token: token).status == .unauthorized)
            #expect(try await api.events(of: id) == [
                "SellerWasRegistered", "SellerWasUpdated", "SellerWasDeactivated", "SellerWasActivated", "SellerPasswordWasChanged", "SellerWasDeleted",
            ])
        }
    }
}
