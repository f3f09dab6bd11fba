import Testing

@testable import ServiceKit

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("FormValue.parseJSON")
struct FormValueJSONTests {
    @Test func nestedObjectsAndArrays() throws {
        let json = #"{"customer":{"name":"Jan","tags":["a",["b"],{}],"active":true,"blocked":false,"deleted":null,"points":6.90}}"#
        let expected: FormValue = [
            "customer": [
                "name": "Jan",
                "tags": ["a", ["b"], .map([:])],
                "active": true,
                "blocked": false,
                "deleted": .null,
                "points": .number("6.90"),
            ],
        ]
        #expect(try FormValue.parseJSON(utf8(json)) == expected)
    }

    @Test func numbersKeepTheirExactLiteral() throws {
        let json = "[6.90, 1e-2, -0, 100, -1E+3, 0.5, 12345678901234567890123, 0e0]"
        let expected: FormValue = .list([
            .number("6.90"), .number("1e-2"), .number("-0"), .number("100"), .number("-1E+3"), .number("0.5"),
            .number("12345678901234567890123"), .number("0e0"),
        ])
        #expect(try FormValue.parseJSON(utf8(json)) == expected)
    }

    @Test func stringEscapesAndSurrogatePairs() throws {
        let json = #"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC\ud83d\ude00", "zażółć 😀", "\u0000", ""]"#
        let expected: FormValue = ["a\"b\\c/d\u{8}\u{C}\n\r\t", "é€😀", "zażółć 😀", "\u{0}", ""]
        #expect(try FormValue.parseJSON(utf8(json)) == expected)
    }

    @Test func keyOrderIsKept() throws {
        let value = try FormValue.parseJSON(utf8(#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#))
        #expect(value.map?.keys == ["z", "a", "m"])
        #expect(value["m"]?.map?.keys == ["y", "b"])
        // Order is part of equality.
        #expect(value != (try FormValue.parseJSON(utf8(#"{"a":2,"z":1,"m":{"y":1,"b":2}}"#))))
    }

    @Test func repeatedKeyKeepsFirstPositionAndLastValue() throws {
        let value = try FormValue.parseJSON(utf8(#"{"a":1,"b":2,"a":3}"#))
        #expect(value == ["a": 3, "b": 2])
    }

    @Test func emptyAndScalarDocuments() throws {
        #expect(try FormValue.parseJSON([]) == .map([:]))
        #expect(try FormValue.parseJSON(utf8(" \n\t ")) == .map([:]))
        #expect(try FormValue.parseJSON(utf8("[]")) == .list([]))
        #expect(try FormValue.parseJSON(utf8(" \"x\" ")) == .string("x"))
        #expect(try FormValue.parseJSON(utf8("null")) == .null)
        #expect(try FormValue.parseJSON([0xEF, 0xBB, 0xBF] + utf8(#"{"a":true}"#)) == ["a": true])
    }

    @Test(arguments: [
        #"{"a":1,}"#,  // trailing comma
        "[1,]",
        "[1 2]",
        #"{"a":"b"#,  // unterminated string
        #"{"a":tru}"#,  // bare words
        "nul",
        "hello",
        "True",
        "NaN",
        #"{"a":1} x"#,  // trailing garbage
        #"{"a":1}}"#,
        "[1]]",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        #"{'a':1}"#,
        "{a:1}",
        #"{"a" 1}"#,
        #"{"a":}"#,
        #"{"a""#,
        "[",
        "\"tab\there\"",
        #""\x""#,
        #""\u12G4""#,
        #""\ud800""#,  // lone high surrogate
        #""\ud800\u0041""#,
        #""\udc00""#,  // lone low surrogate
    ])
    func malformedInputThrows(json: String) {
        #expect {
            try FormValue.parseJSON(utf8(json))
        } throws: { error in
            guard case .malformed(let message) = error as? InputError else { return false }
            return message.hasPrefix("Malformed JSON at byte ")
        }
    }

    @Test func invalidUTF8InAStringThrows() {
        #expect(throws: InputError.malformed("Malformed JSON at byte 1: invalid UTF-8 in the string.")) {
            try FormValue.parseJSON([0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D])
        }
        #expect(throws: InputError.malformed("Malformed JSON at byte 0: invalid UTF-8 in the string.")) {
            try FormValue.parseJSON([0x22, 0x5C, 0x6E, 0xFF, 0x22])
        }
    }

    @Test func errorMessagesNameTheOffset() {
        #expect(throws: InputError.malformed("Malformed JSON at byte 3: unexpected ']', expected a value.")) {
            try FormValue.parseJSON(utf8("[1,]"))
        }
        #expect(throws: InputError.malformed("Malformed JSON at byte 8: unexpected 'x', expected the end of the input.")) {
            try FormValue.parseJSON(utf8(#"{"a":1} x"#))
        }
        #expect(throws: InputError.malformed("Malformed JSON at byte 4: unterminated string.")) {
            try FormValue.parseJSON(utf8(#""abc"#))
        }
        #expect(throws: InputError.malformed("Malformed JSON at byte 6: unexpected end of input, expected ',' or '}'.")) {
            try FormValue.parseJSON(utf8(#"{"a":1"#))
        }
    }

    @Test func depthLimitIs64() throws {
        var expected: FormValue = .list([])
        for _ in 1..<64 { expected = .list([expected]) }
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try FormValue.parseJSON(utf8(deepest)) == expected)

        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: InputError.tooDeep) { try FormValue.parseJSON(utf8(tooDeep)) }
        let tooDeepObjects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: InputError.tooDeep) { try FormValue.parseJSON(utf8(tooDeepObjects)) }
    }

    @Test func descriptionIsJSONThatParsesBack() throws {
        let value: FormValue = ["a": ["x\"y", 6, .number("6.90"), true, .null], "b": .map([:])]
        #expect(value.description == #"{"a":["x\"y",6,6.90,true,null],"b":{}}"#)
        #expect(try FormValue.parseJSON(utf8(value.description)) == value)
    }
}
