import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// Reads customers for the API: details with segments, lists with the store's currency.
struct CustomerReader: Sendable {
    let customers = CustomerRepository()
    let settings = SettingsRepository()

    /// C12: the full customer, 404 when unknown in this store.
    func details(_ id: UUID, store: Store, locale: String?, on database: some PostgresQueryable) async throws -> CustomerView {
        let customer = try await customers.find(on: database, storeID: store.id, id: id).orThrow(APIError.notFound)
        let program = try await settings.load(on: database, storeID: store.id, currency: store.currency)
        let segments = try await database.query("""
            SELECT s.id, s.name FROM customers.segment_members m
            JOIN customers.segments s ON s.store_id = m.store_id AND s.id = m.segment_id
            WHERE m.store_id = \(store.id) AND m.customer_id = \(id) ORDER BY s.name
            """).map { CustomerView.SegmentRef(segmentId: try $0.decode(UUID.self, "id").text, name: try $0.decode(String.self, "name")) }
        let purchases = try await CampaignPurchaseRepository.purchases(on: database, storeID: store.id, customerIDs: [id])
        return CustomerView(
            customer, shape: .details, currency: program.currency, locale: locale, segments: segments, campaignPurchases: purchases[id] ?? []
        )
    }

    /// C05, C06: a page (or a scroll step) of customers.
    func list(_ query: FormValue, store: Store, labels: Bool, on database: some PostgresQueryable) async throws -> CustomerList {
        let filters = try CustomerFilters(query, labels: labels)
        let program = try await settings.load(on: database, storeID: store.id, currency: store.currency)
        let locale = query["_locale"]?.trimmedText
        if let scroll = query["scrollId"] {
            let perPage = query["perPage"].map { $0.isBlank ? 10 : ($0.int ?? 0) } ?? 10
            guard (1...1000).contains(perPage) else {
                throw APIError.badRequest("perPage must be a positive integer")
            }
            let cursor = scroll.trimmedText.flatMap(ScrollCursor.decode)
            let (items, total) = try await customers.scroll(on: database, storeID: store.id, filters: filters, after: cursor, limit: perPage)
            let next = items.last.map { ScrollCursor.encode($0.id) } ?? scroll.trimmedText ?? ""
            let views = try await listViews(items, store: store, currency: program.currency, locale: locale, on: database)
            return CustomerList(customers: views, total: total, scrollId: next)
        }
        let page = try Pagination(query, sortable: CustomerFilters.sortable, defaultSort: "createdAt", defaultDirection: .descending)
        let (items, total) = try await customers.list(on: database, storeID: store.id, filters: filters, page: page)
        let views = try await listViews(items, store: store, currency: program.currency, locale: locale, on: database)
        return CustomerList(customers: views, total: total, scrollId: nil)
    }

    /// List items with their campaign purchases, read for the whole page at once.
    private func listViews(
        _ items: [CustomerRecord], store: Store, currency: String, locale: String?, on database: some PostgresQueryable
    ) async throws -> [CustomerView] {
        let purchases = try await CampaignPurchaseRepository.purchases(on: database, storeID: store.id, customerIDs: items.map(\.id))
        return items.map { CustomerView($0, shape: .list, currency: currency, locale: locale, campaignPurchases: purchases[$0.id] ?? []) }
    }
}

/// `{"customers":[…],"total":N}`, with `scrollId` when a scroll was asked for (decision customers A4).
struct CustomerList: Encodable {
    let customers: [CustomerView]
    let total: Int
    let scrollId: String?
}

/// The scroll API's cursor: the last customer id of the previous step, opaque to clients.
enum ScrollCursor {
    static func encode(_ id: UUID) -> String {
        Data(id.text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> UUID? {
        var padded = text
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded), let id = String(data: data, encoding: .utf8) else { return nil }
        return UUID(uuidString: id)
    }
}
