import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Typed parameters and decoding against PostgreSQL")
struct TypeRoundTripTests {
    @Test func scalarsRoundTrip() async throws {
        try await TestDatabase.withPool { pool in
            let id = UUID()
            let instant = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let row = try #require(try await pool.query("""
                SELECT \("zażółć 'quoted' \"x\"")::text AS text, \(42)::integer AS int, \(Int64.max)::bigint AS big,
                       \(true)::boolean AS yes, \(false)::boolean AS no, \(id)::uuid AS id,
                       \(Amount(exactly: "-1234.05")!)::numeric(18,2) AS amount, \(instant)::timestamptz AS instant,
                       \(LocalDate(year: 2024, month: 2, day: 29)!)::date AS day
                """).firstRow)
            #expect(try row.decode(String.self, "text") == "zażółć 'quoted' \"x\"")
            #expect(try row.decode(Int.self, "int") == 42)
            #expect(try row.decode(Int64.self, "big") == Int64.max)
            #expect(try row.decode(Bool.self, "yes") == true)
            #expect(try row.decode(Bool.self, "no") == false)
            #expect(try row.decode(UUID.self, "id") == id)
            #expect(try row.decode(Amount.self, "amount") == Amount(hundredths: -123_405))
            #expect(try row.decode(Date.self, "instant").timeIntervalSince1970 == 1_700_000_000.123456)
            #expect(try row.decode(LocalDate.self, "day").description == "2024-02-29")
        }
    }

    @Test func nullsDecodeAsOptionalsAndRefuseNonOptionals() async throws {
        try await TestDatabase.withPool { pool in
            let missing: String? = nil
            let row = try #require(try await pool.query("SELECT \(missing)::text AS nothing, NULL::uuid AS no_id").firstRow)
            #expect(try row.decode(String?.self, "nothing") == nil)
            #expect(try row.decode(UUID?.self, "no_id") == nil)
            #expect(throws: PostgresError.self) { try row.decode(String.self, "nothing") }
            #expect(throws: PostgresError.self) { try row.decode(String.self, "no_such_column") }
        }
    }

    @Test func jsonbAndArraysRoundTrip() async throws {
        struct Payload: Codable, Equatable { let name: String; let points: Amount; let tags: [String] }
        try await TestDatabase.withPool { pool in
            let payload = Payload(name: "Ann \"A\"", points: Amount(exactly: "6.9")!, tags: ["a", "b,c"])
            let ids = [UUID(), UUID()]
            let texts = ["plain", "with space", "with,comma", "with \"quote\"", "back\\slash", "{braces}", "NULL"]
            let row = try #require(try await pool.query("""
                SELECT \(try JSONB(encoding: payload))::jsonb AS doc, \(texts)::text[] AS texts, \(ids)::uuid[] AS ids,
                       ARRAY[]::text[] AS empty, ARRAY['x', NULL]::text[] AS holes
                """).firstRow)
            #expect(try row.decode(JSONB.self, "doc").decode(as: Payload.self) == payload)
            #expect(try row.decode([String].self, "texts") == texts)
            #expect(try row.decode([UUID].self, "ids") == ids)
            #expect(try row.decode([String].self, "empty") == [])
            #expect(try row.decode([String?].self, "holes") == ["x", nil])
        }
    }

    @Test func numericsKeepEveryHundredth() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE balances (id serial PRIMARY KEY, value numeric(18,2) NOT NULL)")
            let values = ["0.01", "0.1", "99999999999.99", "-0.01", "1e2", "7"].map { Amount(exactly: $0)! }
            for value in values { try await pool.execute("INSERT INTO balances (value) VALUES (\(value))") }
            let stored = try await pool.query("SELECT value FROM balances ORDER BY id").map { try $0.decode(Amount.self, "value") }
            #expect(stored == values)
            let sum = try await pool.query("SELECT sum(value) FROM balances").scalar(Amount.self)
            #expect(sum == values.reduce(Amount.zero, +))
            #expect(sum.description == "100000000107.09")
            let average = try await pool.query("SELECT avg(value) FROM (VALUES (1.00), (2.00), (2.00)) v(value)").scalar(Amount.self)
            #expect(average == Amount(exactly: "1.67"))
        }
    }

    @Test func interpolatedValuesAreBoundNeverSpliced() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE notes (body text NOT NULL)")
            let hostile = "x'); DROP TABLE notes; --"
            try await pool.execute("INSERT INTO notes (body) VALUES (\(hostile))")
            #expect(try await pool.query("SELECT body FROM notes").scalar(String.self) == hostile)
        }
    }
}
