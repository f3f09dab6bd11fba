import Auth
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

/// The library API the customers service calls inside its own transactions.
@Suite("Customer and seller credentials library")
struct CredentialLibraryTests {
    struct Rollback: Error {}

    /// Runs `body` in a transaction that is then rolled back.
    func inRolledBackTransaction(_ pool: PostgresPool, _ body: (PostgresSession) async throws -> Void) async throws {
        do {
            try await pool.transaction { tx in
                try await body(tx)
                throw Rollback()
            }
        } catch is Rollback {}
    }

    @Test func customersAreRegisteredChangedAndRemovedInsideTheCallersTransaction() async throws {
        PasswordHasher.cost = 4
        try await TestDatabase.withPool { pool in
            let store = try await pool.query("SELECT id FROM auth.stores WHERE code = 'DEFAULT'").scalar(UUID.self)
            let password = await PasswordHash(hashing: "Secret1!")
            let newPassword = await PasswordHash(hashing: "Other-pass1")
            try await inRolledBackTransaction(pool) { tx in
                let jane = UUID(), john = UUID()
                try await CustomerCredentials.register(
                    on: tx, storeID: store, customerID: jane, email: " Jane@Example.com ", phone: "+4812", loyaltyCardNumber: "C-1",
                    password: password, active: true
                )
                let found = try #require(try await CustomerCredentials.find(on: tx, storeID: store, customerID: jane))
                #expect(found.email == "Jane@Example.com" && found.phone == "+4812" && found.loyaltyCardNumber == "C-1")
                #expect(found.hasPassword && found.active)

                await #expect(throws: CredentialError.duplicate(.email)) {
                    try await CustomerCredentials.register(on: tx, storeID: store, customerID: john, email: "jane@example.COM", phone: nil, loyaltyCardNumber: nil, password: nil, active: false)
                }
                await #expect(throws: CredentialError.duplicate(.phone)) {
                    try await CustomerCredentials.register(on: tx, storeID: store, customerID: john, email: "john@example.com", phone: "+4812", loyaltyCardNumber: nil, password: nil, active: false)
                }
                await #expect(throws: CredentialError.duplicate(.loyaltyCardNumber)) {
                    try await CustomerCredentials.register(on: tx, storeID: store, customerID: john, email: nil, phone: nil, loyaltyCardNumber: "C-1", password: nil, active: false)
                }
                await #expect(throws: CredentialError.alreadyRegistered) {
                    try await CustomerCredentials.register(on: tx, storeID: store, customerID: jane, email: "x@example.com", phone: nil, loyaltyCardNumber: nil, password: nil, active: true)
                }
                try await CustomerCredentials.register(on: tx, storeID: store, customerID: john, email: "john@example.com", phone: nil, loyaltyCardNumber: "", password: nil, active: false)
                #expect(try await CustomerCredentials.find(on: tx, storeID: store, customerID: john)?.loyaltyCardNumber == nil)
                #expect(try await CustomerCredentials.find(on: tx, storeID: store, customerID: john)?.hasPassword == false)

                await #expect(throws: CredentialError.duplicate(.email)) {
                    try await CustomerCredentials.updateIdentifiers(on: tx, storeID: store, customerID: john, email: "JANE@example.com", phone: nil, loyaltyCardNumber: nil)
                }
                try await CustomerCredentials.updateIdentifiers(on: tx, storeID: store, customerID: john, email: "j@example.com", phone: "+4899", loyaltyCardNumber: "C-2")
                #expect(try await CustomerCredentials.conflict(on: tx, storeID: store, excluding: nil, email: nil, phone: "+4899", loyaltyCardNumber: nil) == .phone)
                #expect(try await CustomerCredentials.conflict(on: tx, storeID: store, excluding: john, email: nil, phone: "+4899", loyaltyCardNumber: nil) == nil)

                #expect(try await CustomerCredentials.verifyPassword(on: tx, storeID: store, customerID: jane, password: "Secret1!"))
                try await CustomerCredentials.setPassword(on: tx, storeID: store, customerID: jane, password: newPassword)
                #expect(try await !CustomerCredentials.verifyPassword(on: tx, storeID: store, customerID: jane, password: "Secret1!"))
                #expect(try await CustomerCredentials.verifyPassword(on: tx, storeID: store, customerID: jane, password: "Other-pass1"))

                try await CustomerCredentials.activate(on: tx, storeID: store, customerID: john)
                #expect(try await CustomerCredentials.find(on: tx, storeID: store, customerID: john)?.active == true)
                try await CustomerCredentials.deactivate(on: tx, storeID: store, customerID: john)
                #expect(try await CustomerCredentials.find(on: tx, storeID: store, customerID: john)?.active == false)

                try await CustomerCredentials.anonymize(on: tx, storeID: store, customerID: jane)
                let anonymous = try #require(try await CustomerCredentials.find(on: tx, storeID: store, customerID: jane))
                #expect(anonymous.email == nil && anonymous.phone == nil && anonymous.loyaltyCardNumber == nil && !anonymous.hasPassword && !anonymous.active)

                try await CustomerCredentials.delete(on: tx, storeID: store, customerID: john)
                #expect(try await CustomerCredentials.find(on: tx, storeID: store, customerID: john) == nil)
                await #expect(throws: CredentialError.notFound) {
                    try await CustomerCredentials.activate(on: tx, storeID: store, customerID: john)
                }
                await #expect(throws: CredentialError.notFound) {
                    try await CustomerCredentials.setPassword(on: tx, storeID: store, customerID: UUID(), password: newPassword)
                }
                try await CustomerCredentials.register(on: tx, storeID: store, customerID: UUID(), email: "j@example.com", phone: nil, loyaltyCardNumber: nil, password: nil, active: true)
            }
            #expect(try await pool.query("SELECT count(*) FROM auth.customer_credentials").scalar(Int.self) == 0)
        }
    }

    @Test func identifiersAreUniquePerStoreOnly() async throws {
        try await TestDatabase.withPool { pool in
            let first = try await pool.query("SELECT id FROM auth.stores WHERE code = 'DEFAULT'").scalar(UUID.self)
            let second = try await pool.query("INSERT INTO auth.stores (code, name) VALUES ('B', 'B') RETURNING id").scalar(UUID.self)
            for store in [first, second] {
                try await CustomerCredentials.register(on: pool, storeID: store, customerID: UUID(), email: "same@example.com", phone: "1", loyaltyCardNumber: "1", password: nil, active: true)
                try await SellerCredentials.register(on: pool, storeID: store, sellerID: UUID(), email: "same@example.com", password: nil, active: true)
            }
            #expect(try await pool.query("SELECT count(*) FROM auth.customer_credentials").scalar(Int.self) == 2)
        }
    }

    @Test func sellersAreRegisteredChangedAndRemoved() async throws {
        PasswordHasher.cost = 4
        try await TestDatabase.withPool { pool in
            let store = try await pool.query("SELECT id FROM auth.stores WHERE code = 'DEFAULT'").scalar(UUID.self)
            let password = await PasswordHash(hashing: "Secret1!")
            try await inRolledBackTransaction(pool) { tx in
                let ann = UUID(), bob = UUID()
                try await SellerCredentials.register(on: tx, storeID: store, sellerID: ann, email: "ann@example.com", password: password, active: true)
                await #expect(throws: CredentialError.duplicate(.email)) {
                    try await SellerCredentials.register(on: tx, storeID: store, sellerID: bob, email: "ANN@example.com", password: nil, active: true)
                }
                await #expect(throws: CredentialError.alreadyRegistered) {
                    try await SellerCredentials.register(on: tx, storeID: store, sellerID: ann, email: "other@example.com", password: nil, active: true)
                }
                try await SellerCredentials.register(on: tx, storeID: store, sellerID: bob, email: "bob@example.com", password: nil, active: false)
                await #expect(throws: CredentialError.duplicate(.email)) {
                    try await SellerCredentials.updateEmail(on: tx, storeID: store, sellerID: bob, email: "ann@example.com")
                }
                try await SellerCredentials.updateEmail(on: tx, storeID: store, sellerID: bob, email: "robert@example.com")
                #expect(try await SellerCredentials.find(on: tx, storeID: store, sellerID: bob)?.email == "robert@example.com")
                #expect(try await SellerCredentials.verifyPassword(on: tx, storeID: store, sellerID: ann, password: "Secret1!"))
                try await SellerCredentials.setPassword(on: tx, storeID: store, sellerID: bob, password: password)
                try await SellerCredentials.activate(on: tx, storeID: store, sellerID: bob)
                #expect(try await SellerCredentials.find(on: tx, storeID: store, sellerID: bob)?.active == true)
                try await SellerCredentials.deactivate(on: tx, storeID: store, sellerID: bob)
                try await SellerCredentials.delete(on: tx, storeID: store, sellerID: bob)
                #expect(try await SellerCredentials.find(on: tx, storeID: store, sellerID: bob) == nil)
                #expect(try await !SellerCredentials.emailIsTaken(on: tx, storeID: store, excluding: nil, email: "robert@example.com"))
            }
            #expect(try await pool.query("SELECT count(*) FROM auth.seller_credentials").scalar(Int.self) == 0)
        }
    }

    @Test func deletedAndDeactivatedUsersTokensStopWorking() async throws {
        try await AuthAPI.run { api in
            let customer = try await api.registerCustomer(email: "bye@example.com")
            let token = try await api.logIn("/api/DEFAULT/customer/login_check", username: "bye@example.com", password: "Secret1!").token
            let store = try await api.storeID("DEFAULT")
            let change = "currentPassword=wrong&plainPassword=x"
            #expect(try await api.send(.post, "/api/DEFAULT/customer/password/change", token: token, form: change).status == .badRequest)
            try await CustomerCredentials.delete(on: api.pool, storeID: store, customerID: customer)
            api.runtime.credentialCache?.invalidate()
            let refused = try await api.send(.post, "/api/DEFAULT/customer/password/change", token: token, form: change)
            #expect(refused.status == .unauthorized)
        }
    }
}
