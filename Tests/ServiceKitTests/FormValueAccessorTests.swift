import Testing

@testable import ServiceKit

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("FormValue accessors, merging and decoding")
struct FormValueAccessorTests {
    @Test func boolFromFormsAndJSON() {
        let truthy: [FormValue] = [true, "1", "true", "TRUE", " on ", "Yes", .number("1")]
        let falsy: [FormValue] = [false, "0", "false", "False", "off", "no", .number("0")]
        let neither: [FormValue] = ["2", "", "y", .number("1.0"), .null, ["1"], .map([:])]
        #expect(truthy.map(\.bool) == Array(repeating: true, count: truthy.count))
        #expect(falsy.map(\.bool) == Array(repeating: false, count: falsy.count))
        #expect(neither.map(\.bool) == Array(repeating: nil, count: neither.count))
    }

    @Test func intFromNumbersAndStrings() {
        let values: [FormValue] = [
            .number("100"), " 42 ", "-7", "+3", "6.0", .number("6.00"), "6.5", .number("1e3"), "abc", "",
            "99999999999999999999", true, .null, "4 2", ".0", "5.",
        ]
        #expect(values.map(\.int) == [100, 42, -7, 3, 6, 6, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil])
    }

    @Test func stringOfScalars() {
        let values: [FormValue] = ["x", .number("6.90"), true, false, .null, ["x"], .map([:])]
        #expect(values.map(\.string) == ["x", "6.90", "1", "0", nil, nil, nil])
    }

    @Test func listFromListsAndIndexedMaps() throws {
        let form = try FormValue.parseURLEncoded(utf8("a[1]=y&a[0]=x&a[2]=z&b[x]=1&c[01]=1&d=s"))
        #expect(form["a"]?.list == ["x", "y", "z"])
        #expect(form["b"]?.list == nil)
        #expect(form["c"]?.list == nil)
        #expect(form["d"]?.list == nil)
        #expect(FormValue.list(["q"]).list == ["q"])
        #expect(FormValue.map([:]).list == [])
    }

    @Test func subscriptsAndPaths() throws {
        let form = try FormValue.parseURLEncoded(
            utf8("role[permissions][0][resource]=LEVEL&role[permissions][1][resource]=X&idx[1]=b&idx[0]=a")
        )
        #expect(form["role"]?["permissions"]?[1]?["resource"] == "X")
        #expect(form["role"]?["permissions"]?[2] == nil)
        #expect(form["role"]?["permissions"]?[-1] == nil)
        #expect(form["idx"]?[0] == "a")
        #expect(form["role"]?[0] == nil)
        #expect(form["role"]?["permissions"]?["0"] == nil)  // lists have no string keys
        #expect(form.value(at: "role", "permissions", "1", "resource") == "X")
        #expect(form.value(at: "role", "permissions", "01", "resource") == nil)
        #expect(form.value(at: "role", "missing") == nil)
        #expect(form.value(at: []) == form)
        #expect(FormValue.string("x")["a"] == nil)
    }

    @Test func mapFileNullAndBlank() {
        let file = UploadedFile(filename: "a.txt", data: [1])
        #expect(FormValue.file(file).file == file)
        #expect(file.contentType == "application/octet-stream")
        #expect(FormValue.string("a").file == nil)
        #expect(FormValue.map(["a": "1"]).map == ["a": "1"])
        #expect(FormValue.list([]).map == nil)

        #expect([FormValue.null, "", true, .number("0")].map(\.isNull) == [true, false, false, false])
        let blank: [FormValue] = [.null, "", " \t\n", .list([]), .map([:])]
        let notBlank: [FormValue] = ["0", " a ", false, .number("0"), ["x"], .file(file)]
        #expect(blank.map(\.isBlank) == [true, true, true, true, true])
        #expect(notBlank.map(\.isBlank) == [false, false, false, false, false, false])
    }

    @Test func mergingPrefersTheOtherValueDeeply() throws {
        let query = try FormValue.parseURLEncoded(utf8("page=2&filter[name]=a&filter[email]=old&sort=name"))
        let body = try FormValue.parseJSON(utf8(#"{"filter":{"email":"x","level":[1]},"page":3,"extra":true}"#))
        let expected: FormValue = [
            "page": 3,
            "filter": ["name": "a", "email": "x", "level": [1]],
            "sort": "name",
            "extra": true,
        ]
        #expect(query.merging(body) == expected)
        #expect(query.merging(.list([])) == .list([]))
        #expect(FormValue.string("x").merging(["a": "1"]) == ["a": "1"])
    }

    @Test func formMapKeepsOrderAcrossEdits() {
        var map: FormMap = ["b": "1", "a": "2"]
        map["c"] = "3"
        map["b"] = "changed"
        map["a"] = nil
        map["zz"] = nil
        #expect(map.keys == ["b", "c"])
        #expect(map.values == ["changed", "3"])
        #expect(Array(map.map(\.key)) == ["b", "c"])
        #expect(map.contains("c") && !map.contains("a"))
        #expect(map.count == 2 && !map.isEmpty)
    }

    @Test func largeFormMapLooksUpThroughItsIndex() {
        var map = FormMap((0..<40).map { ("k\($0)", FormValue.number(String($0))) })
        #expect(map["k39"] == .number("39"))
        map["k0"] = nil
        map["k5"] = "five"
        map["new"] = "n"
        #expect(map["k0"] == nil)
        #expect(map["k5"] == "five")
        #expect(map["k39"] == .number("39"))
        #expect(map.keys.first == "k1" && map.keys.last == "new" && map.count == 40)
        #expect(map == FormMap(zip(map.keys, map.values).map { ($0, $1) }))
    }

    @Test(arguments: [
        "application/json",
        "application/json;charset=UTF-8",
        "Application/JSON; charset=utf-8",
        "application/merge-patch+json",
        "application/vnd.api+json",
    ])
    func decodeJSONMediaTypes(contentType: String) throws {
        let body = utf8(#"{"points":6.90,"tags":["a"]}"#)
        #expect(try FormValue.decode(body: body, contentType: contentType) == ["points": .number("6.90"), "tags": ["a"]])
    }

    @Test func decodeFormsAndSniffing() throws {
        let form = "a[b]=1&c=%40"
        let expected: FormValue = ["a": ["b": "1"], "c": "@"]
        #expect(try FormValue.decode(body: utf8(form), contentType: "application/x-www-form-urlencoded") == expected)
        #expect(
            try FormValue.decode(body: utf8(form), contentType: "application/x-www-form-urlencoded; charset=UTF-8") == expected
        )
        #expect(try FormValue.decode(body: utf8(form), contentType: nil) == expected)
        #expect(try FormValue.decode(body: utf8(form), contentType: " ") == expected)
        #expect(try FormValue.decode(body: utf8(#" {"a":1}"#), contentType: nil) == ["a": 1])
        #expect(try FormValue.decode(body: utf8("\n[1]"), contentType: nil) == [1])
        #expect(try FormValue.decode(body: [], contentType: "text/plain") == .map([:]))
        #expect(try FormValue.decode(body: [], contentType: nil) == .map([:]))
    }

    @Test func decodeRejectsUnsupportedAndMalformed() {
        #expect(throws: InputError.unsupportedMediaType("text/plain")) {
            try FormValue.decode(body: utf8("hi"), contentType: "Text/Plain; charset=utf-8")
        }
        #expect(throws: InputError.malformed("Malformed multipart body: the Content-Type has no boundary.")) {
            try FormValue.decode(body: utf8("--b--"), contentType: "multipart/form-data")
        }
        #expect(throws: InputError.malformed("Malformed JSON at byte 1: unexpected end of input, expected a string key.")) {
            try FormValue.decode(body: utf8("{"), contentType: "application/json")
        }
        #expect(InputError.unsupportedMediaType("text/plain").message == "Unsupported media type \"text/plain\".")
        #expect(InputError.tooDeep.message == "The request input is nested too deeply.")
    }
}
