extension FormValue {
    /// Parses an `application/x-www-form-urlencoded` body or a query string (without the `?`).
    ///
    /// `+` is a space, `%XX` a byte (an invalid escape stays literal), a pair without `=` has the value `""`,
    /// empty pairs are skipped, and bracketed names nest as in PHP: `a[b][c]=1`, `roles[0]=37`, `tags[]=x`
    /// (see `FormBuilder`). Values are always `.string`; bytes that are not UTF-8 become U+FFFD.
    /// - Throws: `InputError.tooDeep` past 32 bracket groups, `InputError.tooManyFields` past 10,000 pairs.
    public static func parseURLEncoded(_ bytes: [UInt8]) throws(InputError) -> FormValue {
        var builder = FormBuilder()
        try bytes.withUnsafeBufferPointer { (input) throws(InputError) in
            var start = 0
            while start < input.count {
                let end = input[start...].firstIndex(of: UInt8(ascii: "&")) ?? input.count
                if end > start {
                    try addPair(UnsafeBufferPointer(rebasing: input[start..<end]), to: &builder)
                }
                start = end + 1
            }
        }
        return builder.build()
    }

    private static func addPair(_ pair: UnsafeBufferPointer<UInt8>, to builder: inout FormBuilder) throws(InputError) {
        let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.count
        let name = UnsafeBufferPointer(rebasing: pair[..<equals])
        let value = UnsafeBufferPointer(rebasing: pair[min(equals + 1, pair.count)...])
        let text = withPercentDecoded(value) { String(decoding: $0, as: UTF8.self) }
        try withPercentDecoded(name) { (name) throws(InputError) in
            try builder.add(name: name, value: .string(text))
        }
    }

    /// Calls `body` with `raw` percent-decoded, copying only when there is something to decode.
    private static func withPercentDecoded<Result, Failure: Error>(
        _ raw: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        guard raw.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return try body(raw) }
        return try percentDecoded(raw).withUnsafeBufferPointer(body)
    }

    private static func percentDecoded(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            let byte = raw[position]
            if byte == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), position + 2 < raw.count,
                let high = raw[position + 1].hexDigitValue, let low = raw[position + 2].hexDigitValue
            {
                decoded.append(high << 4 | low)
                position += 2
            } else {
                decoded.append(byte)
            }
            position += 1
        }
        return decoded
    }
}
