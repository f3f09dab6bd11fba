extension FormValue {
    /// Parses a `multipart/form-data` body (RFC 7578) delimited by `boundary` (without the leading `--`).
    ///
    /// Each part needs `Content-Disposition: form-data; name="…"`; parts without one are ignored, as PHP does.
    /// A part with a `filename` becomes `.file` (content type `application/octet-stream` unless the part says
    /// otherwise); an empty `filename=""`, which browsers send for a file input left empty, becomes `.null`,
    /// as Symfony reads it. Other parts become `.string`. Names nest like urlencoded ones (`avatar[file]`).
    /// The preamble and epilogue are ignored; a body without its closing `--boundary--` is rejected.
    /// - Throws: `InputError.malformed`, or the limits of `parseURLEncoded`.
    public static func parseMultipart(_ bytes: [UInt8], boundary: String) throws(InputError) -> FormValue {
        guard !boundary.isEmpty else { throw .malformed("Malformed multipart body: the boundary is empty.") }
        return try bytes.withUnsafeBufferPointer { (input) throws(InputError) -> FormValue in
            try MultipartParser(input: input, boundary: boundary).parse()
        }
    }

    struct MultipartParser {
        private static let crlf: [UInt8] = [0x0D, 0x0A]
        private let input: UnsafeBufferPointer<UInt8>
        /// `--boundary`: every delimiter line starts with it, the closing one continues with `--`.
        private let delimiter: [UInt8]

        init(input: UnsafeBufferPointer<UInt8>, boundary: String) {
            self.input = input
            self.delimiter = Array("--\(boundary)".utf8)
        }

        func parse() throws(InputError) -> FormValue {
            var builder = FormBuilder()
            guard var cursor = firstDelimiterEnd() else { throw malformed("no boundary line") }
            // `cursor` is just past a delimiter, which `isDelimiter` has checked ends in `--` or a line break.
            while !hasPrefix([UInt8(ascii: "-"), UInt8(ascii: "-")], at: cursor) {
                let partStart = lineEnd(after: cursor)
                guard let partEnd = nextDelimiter(from: partStart) else { throw malformed("missing the closing boundary") }
                try addPart(partStart..<partEnd, to: &builder)
                cursor = partEnd + Self.crlf.count + delimiter.count
            }
            return builder.build()
        }

        // MARK: Delimiters

        /// Where the first delimiter ends: it opens the body or follows the preamble on a line of its own.
        private func firstDelimiterEnd() -> Int? {
            if isDelimiter(at: 0) { return delimiter.count }
            return nextDelimiter(from: 0).map { $0 + Self.crlf.count + delimiter.count }
        }

        /// The offset of the CR LF that starts the next delimiter line at or after `start`.
        private func nextDelimiter(from start: Int) -> Int? {
            var position = start
            while position + Self.crlf.count + delimiter.count <= input.count {
                if input[position] == 0x0D, input[position + 1] == 0x0A, isDelimiter(at: position + 2) { return position }
                position += 1
            }
            return nil
        }

        /// `--boundary` at `position` followed by `--` or by optional blanks and CR LF. Text that merely starts
        /// like the boundary (`--boundaryX`) is content.
        private func isDelimiter(at position: Int) -> Bool {
            guard hasPrefix(delimiter, at: position) else { return false }
            let end = position + delimiter.count
            if hasPrefix([UInt8(ascii: "-"), UInt8(ascii: "-")], at: end) { return true }
            return hasPrefix(Self.crlf, at: skipBlanks(from: end))
        }

        /// The offset just past the blanks and CR LF that end a delimiter line.
        private func lineEnd(after position: Int) -> Int {
            skipBlanks(from: position) + Self.crlf.count
        }

        // MARK: Parts

        private func addPart(_ part: Range<Int>, to builder: inout FormBuilder) throws(InputError) {
            let (headers, bodyStart) = try parseHeaders(part)
            guard let dispositionText = headers["content-disposition"] else { return }
            let disposition = try HeaderValue(parsing: dispositionText)
            guard disposition.value == "form-data", let name = disposition.parameters["name"] else { return }
            let body = Array(input[bodyStart..<part.upperBound])
            let value: FormValue
            if let filename = disposition.parameters["filename"] {
                let contentType = headers["content-type"] ?? "application/octet-stream"
                value = filename.isEmpty ? .null : .file(UploadedFile(filename: filename, contentType: contentType, data: body))
            } else {
                value = .string(String(decoding: body, as: UTF8.self))
            }
            try builder.add(name: name, value: value)
        }

        /// The part's headers (lower-cased names, trimmed values, first occurrence wins) and where its body starts.
        private func parseHeaders(_ part: Range<Int>) throws(InputError) -> (headers: [String: String], bodyStart: Int) {
            var headers: [String: String] = [:]
            var lineStart = part.lowerBound
            while true {
                guard let lineEnd = nextCRLF(from: lineStart, before: part.upperBound) else {
                    throw malformed("a part's headers are not followed by an empty line")
                }
                if lineEnd == lineStart { return (headers, lineEnd + Self.crlf.count) }
                let line = String(decoding: UnsafeBufferPointer(rebasing: input[lineStart..<lineEnd]), as: UTF8.self)
                if let colon = line.firstIndex(of: ":") {
                    let name = line[..<colon].trimmingWhitespace().lowercased()
                    let value = String(line[line.index(after: colon)...].trimmingWhitespace())
                    if headers[name] == nil { headers[name] = value }
                }
                lineStart = lineEnd + Self.crlf.count
            }
        }

        // MARK: Bytes

        private func nextCRLF(from start: Int, before end: Int) -> Int? {
            var position = start
            while position + 1 < end {
                if input[position] == 0x0D, input[position + 1] == 0x0A { return position }
                position += 1
            }
            return nil
        }

        private func hasPrefix(_ prefix: [UInt8], at position: Int) -> Bool {
            guard position >= 0, input.count - position >= prefix.count else { return false }
            for offset in prefix.indices where input[position + offset] != prefix[offset] { return false }
            return true
        }

        private func skipBlanks(from position: Int) -> Int {
            var position = position
            while position < input.count, input[position] == 0x20 || input[position] == 0x09 { position += 1 }
            return position
        }

        private func malformed(_ problem: String) -> InputError {
            .malformed("Malformed multipart body: \(problem).")
        }
    }

    /// A header value split into its main value and parameters, as in
    /// `form-data; name="a\"b"; filename=x.png` or `multipart/form-data; boundary="abc"`.
    struct HeaderValue {
        /// The part before the first `;`, trimmed and lower-cased.
        var value: String
        /// Parameters by lower-cased name; quoted values are unquoted and unescaped; the first occurrence wins.
        var parameters: [String: String] = [:]

        init(parsing text: String) throws(InputError) {
            let bytes = Array(text.utf8)
            var position = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            value = Self.text(bytes[..<position]).trimmingWhitespace().lowercased()
            while position < bytes.count {
                position += 1
                let nameEnd = bytes[position...].firstIndex { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ";") } ?? bytes.count
                let name = Self.text(bytes[position..<nameEnd]).trimmingWhitespace().lowercased()
                position = nameEnd
                guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { continue }
                let parameter = try Self.parameterValue(bytes, from: position + 1)
                position = parameter.end
                if !name.isEmpty, parameters[name] == nil { parameters[name] = parameter.value }
            }
        }

        /// A token or quoted string starting at `start`, and the offset of the `;` (or end) after it.
        private static func parameterValue(_ bytes: [UInt8], from start: Int) throws(InputError) -> (value: String, end: Int) {
            var position = start
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
            let end = { (from: Int) in bytes[from...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count }
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                return (text(bytes[position..<end(position)]).trimmingWhitespace(), end(position))
            }
            var value: [UInt8] = []
            position += 1
            while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                // A backslash quotes the next byte, so `\"` and `\\` can appear inside.
                if bytes[position] == UInt8(ascii: "\\"), position + 1 < bytes.count { position += 1 }
                value.append(bytes[position])
                position += 1
            }
            guard position < bytes.count else { throw .malformed("Malformed header: unterminated quoted string.") }
            return (String(decoding: value, as: UTF8.self), end(position + 1))
        }

        private static func text(_ bytes: ArraySlice<UInt8>) -> String {
            String(decoding: bytes, as: UTF8.self)
        }
    }
}
