extension FormValue {
    /// Decodes a request body by its `Content-Type`.
    ///
    /// - `application/json` and any `*/*+json` → `parseJSON`
    /// - `application/x-www-form-urlencoded` → `parseURLEncoded`
    /// - `multipart/form-data; boundary=…` (the boundary may be quoted) → `parseMultipart`
    /// - no content type: JSON when the body starts with `{` or `[`, urlencoded otherwise (lenient clients)
    ///
    /// Parameters such as `charset` are ignored; bodies are read as UTF-8. An empty body is an empty map
    /// whatever the content type.
    /// - Throws: `InputError.unsupportedMediaType` for any other media type, or the parser's error.
    public static func decode(body: [UInt8], contentType: String?) throws(InputError) -> FormValue {
        guard !body.isEmpty else { return .map(FormMap()) }
        guard let contentType, !contentType.trimmingWhitespace().isEmpty else {
            let first = body.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? try parseJSON(body) : try parseURLEncoded(body)
        }
        let mediaType = try HeaderValue(parsing: contentType)
        switch mediaType.value {
        case "application/json":
            return try parseJSON(body)
        case "application/x-www-form-urlencoded":
            return try parseURLEncoded(body)
        case "multipart/form-data":
            guard let boundary = mediaType.parameters["boundary"], !boundary.isEmpty else {
                throw .malformed("Malformed multipart body: the Content-Type has no boundary.")
            }
            return try parseMultipart(body, boundary: boundary)
        case let type where type.hasSuffix("+json"):
            return try parseJSON(body)
        case let type:
            throw .unsupportedMediaType(type)
        }
    }

    /// This value with `other` deeply merged in: where both have a map at the same key the maps merge,
    /// anywhere else `other` wins. Keys keep this value's order, new keys follow in `other`'s order.
    ///
    /// Lets a handler read a field from the query string or the body alike: `query.merging(body)`.
    public func merging(_ other: FormValue) -> FormValue {
        guard case .map(var merged) = self, case .map(let overrides) = other else { return other }
        for (key, value) in overrides {
            merged[key] = merged[key].map { $0.merging(value) } ?? value
        }
        return .map(merged)
    }
}
