import Foundation
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Event log and consumers")
struct EventTests {
    struct Registered: Codable { let email: String }

    func event(_ email: String, store: UUID) throws -> NewEvent {
        try NewEvent(
            storeID: store, aggregateType: "customer", aggregateID: UUID().uuidString, type: "CustomerWasRegistered",
            payload: Registered(email: email), actor: Actor(type: "admin", id: "a1", ip: "10.0.0.1")
        )
    }

    @Test func eventsCommitOrVanishWithTheirTransaction() async throws {
        try await TestService.run(ProbeService.definition) { _, runtime in
            let store = try await runtime.pool.query("SELECT id FROM auth.stores").scalar(UUID.self)
            try await runtime.pool.transaction { tx in try await EventLog.append(try event("kept@example.com", store: store), on: tx) }
            try? await runtime.pool.transaction { tx in
                try await EventLog.append(try event("lost@example.com", store: store), on: tx)
                throw CancellationError()
            }
            let events = try await EventLog.events(on: runtime.pool, where: "TRUE", limit: 10)
            #expect(events.count == 1)
            #expect(try events.first?.payload.decode(as: Registered.self).email == "kept@example.com")
            #expect(events.first?.storeID == store)
            #expect(events.first?.type == "CustomerWasRegistered")
        }
    }

    @Test func consumersOnSeveralReplicasHandleEachEventOnceAndRetryFailures() async throws {
        try await TestService.run(ProbeService.definition) { _, runtime in
            let store = try await runtime.pool.query("SELECT id FROM auth.stores").scalar(UUID.self)
            try await runtime.pool.execute("CREATE TABLE public.handled (email text PRIMARY KEY, attempts int NOT NULL DEFAULT 1)")
            let failures = Counter()
            let handler: EventConsumer.Handler = { event, tx in
                let email = try event.payload.decode(as: Registered.self).email
                if email == "flaky@example.com" && failures.increment() == 1 { throw CancellationError() }
                try await tx.execute("INSERT INTO public.handled (email) VALUES (\(email))")
            }
            let replicas = (0..<3).map { _ in
                EventConsumer(name: "probe.welcome", eventTypes: ["CustomerWasRegistered"], runtime: runtime, fallbackPollInterval: .milliseconds(200), handler: handler)
            }
            try await replicas[0].subscribe()
            for index in 0..<30 {
                try await runtime.pool.transaction { tx in try await EventLog.append(try event("c\(index)@example.com", store: store), on: tx) }
            }
            try await runtime.pool.transaction { tx in try await EventLog.append(try event("flaky@example.com", store: store), on: tx) }

            let workers = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for replica in replicas { group.addTask { try await replica.run() } }
                    try await group.waitForAll()
                }
            }
            let deadline = ContinuousClock.now + .seconds(15)
            while try await runtime.pool.query("SELECT count(*) FROM public.handled").scalar(Int.self) < 31, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            workers.cancel()
            #expect(try await runtime.pool.query("SELECT count(*) FROM public.handled").scalar(Int.self) == 31)
            #expect(try await runtime.pool.query("SELECT max(attempts) FROM public.handled").scalar(Int.self) == 1)
            // Only this consumer's queue: the services' own consumers subscribe to the same event types in their migrations.
            #expect(try await runtime.pool.query("SELECT count(*) FROM suite.event_queue WHERE consumer = 'probe.welcome'").scalar(Int.self) == 0)
            #expect(failures.current == 2)
        }
    }
}
