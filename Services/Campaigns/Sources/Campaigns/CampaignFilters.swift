import Foundation
import Postgres
import ServiceKit

/// The list filters campaigns share: labels, categories, featured, public, type, name, segment restriction.
enum CampaignFilters {
    /// A condition over `c` from the query. `publicOnly` keeps public, switched-on campaigns (CMP-10).
    static func condition(_ query: FormValue, publicOnly: Bool = false) throws -> SQL {
        var parts: [SQL] = [publicOnly ? "c.public AND c.active" : "TRUE"]
        for label in query["labels"]?.list ?? query["labels"]?.map?.map { $0.1 } ?? [] {
            var wanted: [String: String] = [:]
            if let key = label["key"]?.trimmedText { wanted["key"] = key }
            if let value = label["value"]?.trimmedText { wanted["value"] = value }
            guard !wanted.isEmpty else { continue }
            parts.append("c.labels @> \(try JSONB(encoding: [wanted]))")
        }
        let categories = (query["categoryId"]?.list ?? query["categoryId"].map { [$0] } ?? []).compactMap(\.trimmedText)
        if !categories.isEmpty {
            let ids = categories.compactMap(UUID.init(uuidString:))
            guard ids.count == categories.count else { throw APIError.badRequest("categoryId must hold category ids") }
            parts.append("c.categories && \(SQLArray.uuids(ids))::uuid[]")
        }
        if let featured = query["isFeatured"], !featured.isBlank {
            parts.append("c.featured = \(try flag(featured, "isFeatured"))")
        }
        if let isPublic = query["isPublic"], !isPublic.isBlank {
            parts.append("c.public = \(try flag(isPublic, "isPublic"))")
        }
        if let type = query["campaignType"]?.trimmedText { parts.append("c.reward = \(type)") }
        if let name = query["name"]?.trimmedText {
            parts.append("EXISTS (SELECT 1 FROM jsonb_array_elements(c.translations) t WHERE t ->> 'name' ILIKE \("%" + name + "%"))")
        }
        if let segmented = query["hasSegment"], !segmented.isBlank {
            parts.append(try flag(segmented, "hasSegment") ? "cardinality(c.segments) > 0" : "cardinality(c.segments) = 0")
        }
        return parts.dropFirst().reduce(parts[0]) { "\($0) AND \($1)" }
    }

    private static func flag(_ value: FormValue, _ name: String) throws -> Bool {
        guard let flag = value.bool else { throw APIError.badRequest("\(name) must be true or false") }
        return flag
    }

    /// Sorts campaigns filtered in memory as the page asks (the lists that filter by availability).
    static func sorted(_ campaigns: [Campaign], by page: Pagination) -> [Campaign] {
        let ascending = page.direction == .ascending
        func ordered<Value: Comparable>(_ key: (Campaign) -> Value?) -> [Campaign] {
            campaigns.sorted { lhs, rhs in
                let (l, r) = (key(lhs), key(rhs))
                if l == r { return false }
                guard let l else { return !ascending }
                guard let r else { return ascending }
                return ascending ? l < r : l > r
            }
        }
        switch page.sort {
        case "name": return ordered { $0.name() }
        case "costInPoints": return ordered { $0.costInPoints }
        case "reward": return ordered { $0.reward.rawValue }
        case "campaignVisibility.visibleFrom": return ordered { $0.visibleFrom }
        case "campaignVisibility.visibleTo": return ordered { $0.visibleTo }
        case "campaignActivity.activeFrom": return ordered { $0.activeFrom }
        case "campaignActivity.activeTo": return ordered { $0.activeTo }
        case "limit": return ordered { $0.limit }
        case "limitPerUser": return ordered { $0.limitPerUser }
        default: return ascending ? campaigns : campaigns.reversed()
        }
    }
}
