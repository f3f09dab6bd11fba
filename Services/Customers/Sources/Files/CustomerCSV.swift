import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres
import ServiceKit

/// The CSV export of a level's or a segment's customers (LV-13, SG-09; extensions §2.8).
enum CustomerCSV {
    static let header = [
        "First name", "Last name", "E-mail address", "Gender", "Telephone", "Loyalty card number", "Birthdate", "Created at",
        "Legal agreement", "Marketing agreement", "Data processing agreement",
    ]

    /// The customers matching `condition` (over `c`) as an attachment named `<name>-YYYY-MM-DD-HH-MM-SS.csv`.
    static func response(name: String, storeID: UUID, where condition: SQL, on database: some PostgresQueryable) async throws -> Response {
        let customers = try await CustomerRepository().select(
            on: database, where: "c.store_id = \(storeID) AND c.status <> 'deleted' AND \(condition)", order: " ORDER BY c.created_at, c.id"
        )
        var text = line(header)
        for c in customers {
            text += line([
                c.firstName ?? "", c.lastName ?? "", c.email ?? "", c.gender ?? "", c.phone ?? "", c.loyaltyCardNumber ?? "",
                c.birthDate.map { Timestamps.plain(Timestamps.startOfDay($0)) } ?? "", Timestamps.plain(c.createdAt), c.agreement1 ? "1" : "", c.agreement2 ? "1" : "",
                c.agreement3 ? "1" : "",
            ])
        }
        let stamp = Timestamps.plain(Date()).replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: ":", with: "-")
        let file = "\(name.replacingOccurrences(of: "\"", with: ""))-\(stamp).csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// One row as PHP's `fputcsv` writes it: fields with spaces, commas, quotes or line breaks are quoted.
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { " ,\"\n\r\t\\".contains($0) }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\n"
    }
}
