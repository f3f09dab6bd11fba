import Foundation
import Postgres
import Testing

@Suite("Amount, SQL and configuration values")
struct ValueTests {
    @Test(arguments: [
        ("12", 1200), ("12.5", 1250), ("12.34", 1234), ("-0.01", -1), ("0.10", 10), ("1e2", 10000),
        ("2.5e-1", 25), ("+3", 300), ("12.340", 1234),
    ])
    func amountParsesExactly(text: String, hundredths: Int64) {
        #expect(Amount(exactly: text)?.hundredths == hundredths)
    }

    @Test(arguments: ["", "abc", "1.234", "1.2.3", "--1", "1e", "99999999999999999999"])
    func amountRefusesInexactOrMalformed(text: String) {
        #expect(Amount(exactly: text) == nil)
    }

    @Test func amountRoundsComputedNumerics() {
        #expect(Amount(rounding: "1.666666")?.description == "1.67")
        #expect(Amount(rounding: "-1.665")?.description == "-1.67")
        #expect(Amount(rounding: "0.004")?.description == "0")
    }

    @Test func amountFormatsAndComputesExactly() throws {
        #expect(Amount(hundredths: 690).description == "6.9")
        #expect(Amount(hundredths: 10000).description == "100")
        #expect(Amount(hundredths: -5).description == "-0.05")
        #expect(Amount(hundredths: 1200).twoDecimals == "12.00")
        let tenth = Amount(exactly: "0.1")!
        #expect((0..<10).reduce(Amount.zero) { total, _ in total + tenth } == Amount(1))
        #expect(Amount(exactly: "19.99")!.multiplied(by: 15, dividedBy: 100).description == "3")
        #expect(Amount(exactly: "10.05")!.multiplied(by: 1, dividedBy: 2).description == "5.03")
        #expect(Amount(exactly: "12.99")!.floored == Amount(12))
        #expect(Amount(exactly: "-0.5")!.floored == Amount(-1))
        let json = try JSONEncoder().encode([Amount(exactly: "6.9")!, Amount(100)])
        #expect(String(decoding: json, as: UTF8.self) == "[6.9,100]")
        #expect(try JSONDecoder().decode([Amount].self, from: Data("[6.9, \"0.01\", 3]".utf8)) == [Amount(hundredths: 690), Amount(hundredths: 1), Amount(3)])
    }

    @Test func sqlInterpolationBindsAndRenumbers() {
        let name = "x"
        let active = true
        var query: SQL = "SELECT * FROM t WHERE name = \(name)"
        query.append(" AND active = \(active) AND note <> '$1'")
        #expect(query.text == "SELECT * FROM t WHERE name = $1 AND active = $2 AND note <> '$1'")
        #expect(query.binds == ["x", "t"])
        let joined = SQL.joined(["a = \(1)", "b = \(2)", "c = \(3)"], separator: " OR ")
        #expect(joined.text == "a = $1 OR b = $2 OR c = $3")
        let nested: SQL = "SELECT \(identifier: "we\"ird") FROM x WHERE \(joined) AND d = \(4)"
        #expect(nested.text == "SELECT \"we\"\"ird\" FROM x WHERE a = $1 OR b = $2 OR c = $3 AND d = $4")
        #expect(nested.binds == ["1", "2", "3", "4"])
    }

    @Test func configurationFromURLAndKeyValues() throws {
        let url = try PostgresConfiguration(string: "postgres://loyal%40ty:p%2Fss@db.example:6543/loyalty?sslmode=require&application_name=ledger")
        #expect(url.user == "loyal@ty")
        #expect(url.password == "p/ss")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "loyalty")
        #expect(url.sslMode == "require")
        #expect(url.applicationName == "ledger")
        let socket = try PostgresConfiguration(string: "postgresql://postgres@/loyalty?host=/var/run/postgresql")
        #expect(socket.unixSocketDirectory == "/var/run/postgresql")
        #expect(socket.host == nil)
        let pairs = try PostgresConfiguration(string: "host=/tmp/pg port=5433 user=me password='it\\'s x' dbname=app")
        #expect(pairs.unixSocketDirectory == "/tmp/pg")
        #expect(pairs.port == 5433)
        #expect(pairs.password == "it's x")
        #expect(pairs.database == "app")
        #expect(throws: PostgresError.self) { try PostgresConfiguration(string: "mysql://x") }
        #expect(throws: PostgresError.self) { try PostgresConfiguration(string: "port=notaport") }
    }

    @Test func datesAreCivil() {
        #expect(LocalDate("2023-02-29") == nil)
        #expect(LocalDate("2024-02-29")?.adding(days: 1).description == "2024-03-01")
        #expect(LocalDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(LocalDate("1969-12-31")?.daysSinceEpoch == -1)
    }

    @Test func trimmingMatchesFoundationsWhitespaceSets() {
        let samples = ["", " ", "abc", "  abc  ", "\tabc\n", "\n\r abc \u{2028}", "\u{00A0}abc\u{3000}", "a b", " \u{301}x ",
                       "é ", "\n", "x\u{85}", "\u{200B}zero-width\u{200B}", "\u{180E}x\u{FEFF}"]
        for sample in samples {
            #expect(sample.trimmedWhitespace == sample.trimmingCharacters(in: .whitespacesAndNewlines), "\(sample.debugDescription)")
            #expect(sample.trimmedSpaces == sample.trimmingCharacters(in: .whitespaces), "\(sample.debugDescription)")
            #expect(sample[...].trimmedWhitespace == sample.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
