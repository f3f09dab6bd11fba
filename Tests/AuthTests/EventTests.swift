import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Event API (EP-36, EP-37)")
struct EventTests {
    @Test func eventsAreReadFromACursor() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            try await api.pool.execute("DELETE FROM suite.events")
            var ids: [Int64] = []
            for index in 1...5 {
                let id = try await EventLog.append(
                    NewEvent(storeID: nil, aggregateType: "account", aggregateID: "e5fbe6a2-18f6-4569-8c5c-8f87c771\(7000 + index)",
                             type: "PointsWereSpent", payload: JSONB(text: #"{"value":\#(index * 100),"comment":"x"}"#)),
                    on: api.pool
                )
                ids.append(id)
            }
            try await api.pool.execute("UPDATE suite.events SET recorded_at = '2020-10-15T10:06:38Z'")

            let one = try await api.send(.get, "/api/event/\(ids[0])", token: token)
            #expect(one.text == #"{"id":\#(ids[0]),"payload":{"comment":"x","value":100},"recorderOn":"2020-10-15T10:06:38+00:00","type":"PointsWereSpent","uuid":"e5fbe6a2-18f6-4569-8c5c-8f87c7717001"}"#)

            let page = try await api.send(.get, "/api/event?fromId=\(ids[1])&perPage=2", token: token).object()
            #expect((page["events"] as? [[String: Any]])?.map { ($0["id"] as? Int).map(Int64.init) } == [ids[1], ids[2]])
            #expect(page["total"] as? Int == 4)
            let backwards = try await api.send(.get, "/api/event?fromId=\(ids[1])&direction=DESC", token: token).object()
            #expect((backwards["events"] as? [[String: Any]])?.map { ($0["id"] as? Int).map(Int64.init) } == [ids[1], ids[0]])
            let all = try await api.send(.get, "/api/event?sort=name", token: token).object()
            #expect(all["total"] as? Int == 5)
            #expect(try await api.send(.get, "/api/event?perPage=500", token: token).status == .ok)

            #expect(try await api.send(.get, "/api/event/999999", token: token).status == .notFound)
            #expect(try await api.send(.get, "/api/event/abc", token: token).status == .notFound)
            let badCursor = try await api.send(.get, "/api/event?fromId=x", token: token)
            #expect(badCursor.text == #"{"error":{"code":400,"message":"fromId must be an integer"}}"#)
        }
    }

    @Test func stateChangesOfTheAuthServiceAppendEvents() async throws {
        try await AuthAPI.run { api in
            let token = try await api.adminToken()
            _ = try await api.send(.post, "/api/store", token: token, form: "store[code]=EVT&store[name]=Events&store[currency]=EUR")
            let events = try await api.send(.get, "/api/event?sort=id&direction=DESC&perPage=1", token: token).object()
            let latest = try #require((events["events"] as? [[String: Any]])?.first)
            #expect(latest["type"] as? String == "StoreWasCreated")
            #expect((latest["payload"] as? [String: Any])?["code"] as? String == "EVT")
            let actor = try await api.pool.query("SELECT actor->>'id' AS id, actor->>'type' AS type FROM suite.events WHERE type = 'StoreWasCreated'").firstRow
            #expect(try actor?.decode(String.self, "id") == AuthAPI.adminID)
            #expect(try actor?.decode(String.self, "type") == "admin")
        }
    }
}
