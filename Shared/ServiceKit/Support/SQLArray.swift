import Foundation

/// PostgreSQL array literals, bound as one text parameter and cast in the query (`\(SQLArray.uuids(ids))::uuid[]`).
public enum SQLArray {
    /// `{a,b}` of UUIDs.
    public static func uuids(_ ids: [UUID]) -> String { "{" + ids.map(\.text).joined(separator: ",") + "}" }

    /// The UUIDs of a `uuid[]` column read as text (`{a,b}`).
    public static func uuids(parsing text: String) -> [UUID] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { UUID(uuidString: String($0)) }
    }

    /// A `text[]` literal with every element quoted.
    public static func texts(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
