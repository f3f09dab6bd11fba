import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Postgres
import ServiceKit
import TestSupport
import Testing

extension LedgerAPI {
    /// Uploads `xml` as the multipart field `file[file]`.
    func upload(_ path: String, xml: String, filename: String = "import.xml") async throws -> [String: Any] {
        let boundary = "b0undary"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file[file]\"; filename=\"\(filename)\"\r\nContent-Type: text/xml\r\n\r\n\(xml)\r\n--\(boundary)--\r\n"
        let response = try await client.execute(
            uri: path, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .authToken: TestKeys.masterKey],
            body: ByteBuffer(string: body)
        ) { $0 }
        #expect(response.status == .ok, "\(response.text)")
        return try response.object()
    }
}

@Suite("Imports (L-21, L-24, L-25)")
struct ImportTests {
    @Test func pointsTransfersImportRowByRow() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer()
            let result = try await api.upload("/api/DEFAULT/points/transfer/import", xml: """
                <transfers>
                  <transfer><customerId>\(customer)</customerId><points>15</points><type>adding</type><comment>import</comment></transfer>
                  <transfer><customerId>11000000-0000-474c-b092-b0dd880c07e2x</customerId><points>15</points><type>adding</type></transfer>
                  <transfer><customerId>\(customer)</customerId><points>100</points><type>spending</type></transfer>
                  <transfer><customerId>\(customer)</customerId><points>5</points><type>spending</type></transfer>
                </transfers>
                """, filename: "points.xml")
            #expect(result["totalProcessed"] as? Int == 4)
            #expect(result["totalSuccess"] as? Int == 2)
            #expect(result["totalFailed"] as? Int == 2)
            let items = try #require(result["items"] as? [[String: Any]])
            #expect(items[0]["identifier"] as? String == "\(customer)/(adding 15)")
            #expect(((items[0]["processImportResult"] as? [String: Any])?["object"] as? [String: Any])?["pointsTransferId"] as? String != nil)
            #expect(items[1]["message"] as? String == #"Convert exception: Value "11000000-0000-474c-b092-b0dd880c07e2x" is not a valid UUID."#)
            #expect(items[2]["message"] as? String == "(points.xml) Processing exception: Not enough points")
            #expect(try await api.available(customer) == 10)
        }
    }

    @Test func transactionsImportAndAssignmentsImport() async throws {
        try await LedgerAPI.run { api in
            let customer = try await api.customer(email: "x@example.com", phone: "123456")
            try await api.spendingRule("1")
            let result = try await api.upload("/api/DEFAULT/admin/transaction/import", xml: """
                <transactions>
                  <transaction>
                    <documentNumber>id_bez_tymrazem</documentNumber><purchasePlace>wroclaw</purchasePlace>
                    <purchaseDate>2024-01-01T10:00:00+01:00</purchaseDate><documentType>sell</documentType>
                    <customer><name>Jane</name><email>x@example.com</email><address><city>Wroclaw</city></address></customer>
                    <items><item><sku><code>SKU1</code></sku><name>a</name><quantity>1</quantity><grossValue>12</grossValue>
                      <category>c</category><maker>m</maker><labels><label><key>k</key><value>v</value></label></labels></item></items>
                  </transaction>
                  <transaction>
                    <documentNumber>0001_pos2_zzleID</documentNumber><posId>00000000-0000-474c-1111-b0dd880c07e</posId>
                    <items><item><sku><code>A</code></sku><name>a</name><grossValue>1</grossValue></item></items>
                  </transaction>
                  <transaction>
                    <documentNumber>123</documentNumber>
                    <items><item><sku><code>A</code></sku><name>a</name><grossValue>3</grossValue></item></items>
                  </transaction>
                </transactions>
                """)
            #expect(result["totalSuccess"] as? Int == 2)
            let items = try #require(result["items"] as? [[String: Any]])
            #expect(items[1]["message"] as? String == #"Convert exception: Value "00000000-0000-474c-1111-b0dd880c07e" is not a valid UUID."#)
            #expect(try await api.available(customer) == 12)

            let assigned = try await api.upload("/api/DEFAULT/admin/transaction/customer/assign/import", xml: """
                <transactions>
                  <transaction><documentNumber>123</documentNumber><customerPhoneNumber>123456</customerPhoneNumber></transaction>
                  <transaction><documentNumber>123</documentNumber><customerId>\(customer)</customerId></transaction>
                </transactions>
                """, filename: "match.xml")
            #expect(assigned["totalSuccess"] as? Int == 1)
            let error = try #require((assigned["items"] as? [[String: Any]])?.last)
            #expect(error["message"] as? String == "(match.xml) Processing exception: Customer is already assigned to this transaction")
            #expect(error["identifier"] as? String == "123")
            #expect(try await api.available(customer) == 15)
        }
    }
}
