import Testing

@testable import ServiceKit

private func parse(_ text: String) throws -> FormValue {
    try FormValue.parseURLEncoded(Array(text.utf8))
}

@Suite("FormValue.parseURLEncoded")
struct FormValueURLEncodedTests {
    @Test func plainAndNestedNames() throws {
        #expect(try parse("a=1") == ["a": "1"])
        #expect(try parse("a[b][c]=1") == ["a": ["b": ["c": "1"]]])
        #expect(try parse("a=1&b[x]=2&b[y]=3") == ["a": "1", "b": ["x": "2", "y": "3"]])
    }

    @Test func adminFormReadsLikeItsJSONTwin() throws {
        let form = try parse("admin[email]=a%40b.c&admin[roles][0]=37&admin[external]=1")
        let expected: FormValue = ["admin": ["email": "a@b.c", "roles": ["37"], "external": "1"]]
        #expect(form == expected)
        #expect(form == (try FormValue.parseJSON(Array(#"{"admin":{"email":"a@b.c","roles":["37"],"external":"1"}}"#.utf8))))
    }

    @Test func emptyBracketsAppend() throws {
        #expect(try parse("a[]=x&a[]=y") == ["a": ["x", "y"]])
        #expect(try parse("a[0]=x&a[]=y") == ["a": ["x", "y"]])
        #expect(try parse("a[5]=x&a[]=y") == ["a": .map(["5": "x", "6": "y"])])
        #expect(try parse("a[][name]=x&a[][name]=y") == ["a": [["name": "x"], ["name": "y"]]])
    }

    @Test func indexedListOfMaps() throws {
        let form = try parse(
            "role[name]=Admin&role[permissions][0][resource]=LEVEL&role[permissions][0][access]=VIEW"
                + "&role[permissions][1][resource]=X"
        )
        let expected: FormValue = [
            "role": [
                "name": "Admin",
                "permissions": [["resource": "LEVEL", "access": "VIEW"], ["resource": "X"]],
            ],
        ]
        #expect(form == expected)
    }

    @Test func integerKeysOutOfOrderStayAMap() throws {
        let form = try parse("a[1]=y&a[0]=x")
        #expect(form == ["a": .map(["1": "y", "0": "x"])])
        #expect(form["a"]?.list == ["x", "y"])
        // The top level is always a map, whatever its names.
        #expect(try parse("0=a&1=b") == .map(["0": "a", "1": "b"]))
    }

    @Test func keysWithoutValuesAndEmptyPairs() throws {
        #expect(try parse("a") == ["a": ""])
        #expect(try parse("a=&b") == ["a": "", "b": ""])
        #expect(try parse("&&a=1&&b=2&") == ["a": "1", "b": "2"])
        #expect(try parse("") == .map([:]))
        #expect(try parse("=1&[x]=2") == .map([:]))
        #expect(try parse("a=b=c") == ["a": "b=c"])
    }

    @Test func plusAndPercentDecoding() throws {
        let form = try parse("q=hello+world%20again&name=J%C3%B3zef&plus=%2B1&sp%61ce+name=x")
        #expect(form == ["q": "hello world again", "name": "Józef", "plus": "+1", "space name": "x"])
        #expect(try parse("a%5Bb%5D=1") == ["a": ["b": "1"]])
    }

    @Test func invalidEscapesStayLiteral() throws {
        #expect(try parse("a=100%&b=%zz&c=%4&d=%%41") == ["a": "100%", "b": "%zz", "c": "%4", "d": "%A"])
    }

    @Test func lastValueWinsAndKeepsFirstPosition() throws {
        #expect(try parse("a=1&a=2") == ["a": "2"])
        #expect(try parse("a=1&b=2&a=3") == ["a": "3", "b": "2"])
        #expect(try parse("a=1&a[b]=2") == ["a": ["b": "2"]])
        #expect(try parse("a[b]=2&a=1") == ["a": "1"])
    }

    @Test func malformedBracketsFollowPHP() throws {
        #expect(try parse("a[b=1") == ["a[b": "1"])
        #expect(try parse("a[b][c=1") == ["a": ["b": "1"]])
        #expect(try parse("a[b]x=1") == ["a": ["b": "1"]])
        #expect(try parse("a]b=1") == ["a]b": "1"])
        #expect(try parse("a[b[c]]=1") == ["a": ["b[c": "1"]])
        #expect(try parse("+a=1") == ["a": "1"])
        #expect(try parse("user.name=x") == ["user.name": "x"])
    }

    @Test func depthLimitIs32BracketGroups() throws {
        let groups = String(repeating: "[x]", count: 32)
        var expected: FormValue = "1"
        for _ in 0..<32 { expected = ["x": expected] }
        #expect(try parse("a\(groups)=1") == ["a": expected])
        #expect(throws: InputError.tooDeep) { try parse("a\(groups)[x]=1") }
    }

    @Test func fieldLimitIs10000() throws {
        let allowed = (0..<10_000).map { "f\($0)=1" }.joined(separator: "&")
        #expect(try parse(allowed).map?.count == 10_000)
        #expect(throws: InputError.tooManyFields) { try parse(allowed + "&one=more") }
    }
}
