import Testing

@testable import ServiceKit

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("FormValue.parseMultipart")
struct FormValueMultipartTests {
    /// Bytes that look like line breaks and boundaries but are not delimiters.
    /// (A boundary counts only at the start of a line and followed by `--` or a line break.)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF]
        + Array("--XyZ--\r\n\r\n--XyZ0 not a boundary\r\n--Xy\r\n\r\n".utf8) + [0x0D, 0x0A, 0xFE]

    @Test func fieldAndBinaryFile() throws {
        let body = utf8(
            "This preamble is ignored.\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"customer[firstName]\"\r\n"
                + "\r\n"
                + "Jan\r\nKowalski\r\n"
                + "--XyZ\r\n"
                + "content-disposition: form-data; name=\"avatar[file]\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n"
                + "\r\n"
        ) + Self.png + utf8("\r\n--XyZ--\r\nThis epilogue is ignored too.\r\n--XyZ\r\n")

        let expected: FormValue = [
            "customer": ["firstName": "Jan\r\nKowalski"],
            "avatar": ["file": .file(UploadedFile(filename: "a.png", contentType: "image/png", data: Self.png))],
        ]
        #expect(try FormValue.parseMultipart(body, boundary: "XyZ") == expected)
    }

    @Test func bracketNamesQuotedNamesAndDefaults() throws {
        let body = utf8(
            "--b\r\n"
                + "Content-Disposition: form-data; name=\"tags[]\"\r\n\r\nx\r\n"
                + "--b\r\n"
                + "Content-Disposition: form-data; name=\"tags[]\"\r\n\r\ny\r\n"
                + "--b\r\n"
                + "Content-Disposition: form-data; name=\"say \\\"hi\\\"\"\r\n\r\nhello\r\n"
                + "--b\r\n"
                + "Content-Disposition: form-data; name=\"doc\"; filename=\"my \\\"notes\\\".txt\"\r\n\r\nabc\r\n"
                + "--b\r\n"
                + "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n\r\n"
                + "--b\r\n"
                + "Content-Disposition: form-data; name=unquoted\r\n\r\nplain\r\n"
                + "--b\r\n"
                + "Content-Disposition: attachment; name=\"ignored\"\r\n\r\nnot a form field\r\n"
                + "--b\r\n"
                + "Content-Type: text/plain\r\n\r\nno disposition\r\n"
                + "--b\r\n"
                + "Content-Disposition: form-data; name=\"blank\"\r\n\r\n\r\n"
                + "--b--"
        )
        let expected: FormValue = [
            "tags": ["x", "y"],
            "say \"hi\"": "hello",
            "doc": .file(UploadedFile(filename: "my \"notes\".txt", contentType: "application/octet-stream", data: utf8("abc"))),
            "empty": .null,
            "unquoted": "plain",
            "blank": "",
        ]
        #expect(try FormValue.parseMultipart(body, boundary: "b") == expected)
    }

    @Test func transportPaddingAfterBoundariesAndEmptyForm() throws {
        let body = utf8("--b \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--  \r\n")
        #expect(try FormValue.parseMultipart(body, boundary: "b") == ["a": "1"])
        #expect(try FormValue.parseMultipart(utf8("--b--\r\n"), boundary: "b") == .map([:]))
    }

    @Test func missingFinalBoundaryThrows() {
        let truncated = utf8("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b")
        #expect(throws: InputError.malformed("Malformed multipart body: missing the closing boundary.")) {
            try FormValue.parseMultipart(truncated, boundary: "b")
        }
        let cut = utf8("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1")
        #expect(throws: InputError.malformed("Malformed multipart body: missing the closing boundary.")) {
            try FormValue.parseMultipart(cut, boundary: "b")
        }
    }

    @Test func otherMalformedBodiesThrow() {
        #expect(throws: InputError.malformed("Malformed multipart body: no boundary line.")) {
            try FormValue.parseMultipart(utf8("a=1"), boundary: "b")
        }
        #expect(throws: InputError.malformed("Malformed multipart body: a part's headers are not followed by an empty line.")) {
            try FormValue.parseMultipart(utf8("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n--b--"), boundary: "b")
        }
        #expect(throws: InputError.malformed("Malformed header: unterminated quoted string.")) {
            try FormValue.parseMultipart(utf8("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--"), boundary: "b")
        }
        #expect(throws: InputError.malformed("Malformed multipart body: the boundary is empty.")) {
            try FormValue.parseMultipart(utf8("--\r\n\r\n"), boundary: "")
        }
    }

    @Test func decodeReadsAQuotedBoundary() throws {
        let body = utf8("--7MA4 YWxk\r\nContent-Disposition: form-data; name=\"a[b]\"\r\n\r\n1\r\n--7MA4 YWxk--\r\n")
        let contentType = "multipart/form-data; charset=utf-8; boundary=\"7MA4 YWxk\""
        #expect(try FormValue.decode(body: body, contentType: contentType) == ["a": ["b": "1"]])
    }
}
