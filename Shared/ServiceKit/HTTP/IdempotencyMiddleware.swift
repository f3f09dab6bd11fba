import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import Postgres
import ServiceKit
import Synchronization

/// `Idempotency-Key` on the POSTs of a route group (DESIGN §9): the first request with a key runs and its
/// response is kept; the same key with the same body replays that response without running again; the
/// same key with another body is `422`; a key whose first request is still running is `409`.
///
/// Keys are scoped per store and per caller. The key is claimed (inserted) before the handler runs, so two
/// concurrent requests with one key never both write; a request that fails with an unexpected error
/// releases its key so that the client may retry.
///
/// Every service keeps its keys in `suite.idempotency_keys`, under its own name.
public struct IdempotencyMiddleware<Context: IdentifiedContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("Idempotency-Key")! }
    /// The service the keys belong to.
    let service: String
    /// The service's own refusals that are rendered as documented 4xx responses, and so replayed.
    let refusal: @Sendable (any Error) -> APIError?
    /// The store the keys of a request belong to (all zeros for the endpoints outside stores).
    let scope: @Sendable (Context) -> UUID

    init(service: String, refusal: @escaping @Sendable (any Error) -> APIError?, scope: @escaping @Sendable (Context) -> UUID) {
        self.service = service
        self.refusal = refusal
        self.scope = scope
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header], !key.isEmpty else {
            return try await next(request, context)
        }
        guard key.utf8.count <= 255 else { throw APIError.badRequest("Idempotency-Key must be at most 255 characters") }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let hash = Self.hash(method: request.method.rawValue, path: request.uri.path, query: request.uri.query, body: body)
        let caller = Self.caller(context.identity)
        let pool = context.runtime.pool
        let storeID = scope(context)

        let claimed = try await pool.query("""
            INSERT INTO suite.idempotency_keys (service, store_id, key, caller, method, path, request_hash)
            VALUES (\(service), \(storeID), \(key), \(caller), \(request.method.rawValue), \(request.uri.path), \(hash))
            ON CONFLICT DO NOTHING RETURNING 1
            """).firstRow != nil
        if !claimed {
            return try await replay(storeID: storeID, key: key, caller: caller, hash: hash, pool: pool)
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            guard let rendered = documented(error) else {
                _ = try? await pool.execute("""
                    DELETE FROM suite.idempotency_keys WHERE service = \(service) AND store_id = \(storeID) AND caller = \(caller) AND key = \(key)
                    """)
                throw error
            }
            try await record(storeID: storeID, key: key, caller: caller, status: Int(rendered.status.code), body: rendered.body, pool: pool)
            throw error
        }
        let sink = ByteSink()
        try await response.body.write(CollectingWriter(sink: sink))
        let bytes = sink.bytes.withLock { $0 }
        try await record(
            storeID: storeID, key: key, caller: caller, status: Int(response.status.code), body: bytes,
            contentType: response.headers[.contentType], pool: pool
        )
        var replayable = response
        replayable.body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        return replayable
    }

    /// Keys are kept for a day (decision ledger DESIGN §9): forgets the older ones.
    public func forgetOldKeys(pool: PostgresPool) async throws {
        try await pool.execute("DELETE FROM suite.idempotency_keys WHERE service = \(service) AND created_at < now() - interval '24 hours'")
    }

    /// Forgets old keys every hour, on every replica (the deletion is idempotent).
    public func keyCleanup(pool: PostgresPool, logger: Logger) -> BackgroundTask {
        BackgroundTask("idempotency keys of \(service)") {
            while !Task.isCancelled {
                do { try await forgetOldKeys(pool: pool) } catch { logger.warning("forgetting idempotency keys failed: \(error)") }
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }

    private func replay(storeID: UUID, key: String, caller: String, hash: String, pool: PostgresPool) async throws -> Response {
        let row = try await pool.query("""
            SELECT request_hash, status, content_type, encode(body, 'base64') AS body FROM suite.idempotency_keys
            WHERE service = \(service) AND store_id = \(storeID) AND caller = \(caller) AND key = \(key)
            """).firstRow
        guard let row else { throw APIError.conflict("A request with this Idempotency-Key is in progress") }
        guard try row.decode(String.self, "request_hash") == hash else {
            throw APIError.domain("Idempotency-Key was used with another request", status: .unprocessableContent)
        }
        guard let status: Int = try row["status"] else { throw APIError.conflict("A request with this Idempotency-Key is in progress") }
        let text = (try row.decode(String?.self, "body") ?? "").replacingOccurrences(of: "\n", with: "")
        let bytes = Data(base64Encoded: text).map { [UInt8]($0) } ?? []
        var headers: HTTPFields = [HTTPField.Name("Idempotent-Replayed")!: "true"]
        if let type: String = try row["content_type"] { headers[.contentType] = type }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func record(
        storeID: UUID, key: String, caller: String, status: Int, body: [UInt8], contentType: String? = "application/json", pool: PostgresPool
    ) async throws {
        let encoded = Data(body).base64EncodedString()
        try await pool.execute("""
            UPDATE suite.idempotency_keys SET status = \(status), content_type = \(contentType), body = decode(\(encoded), 'base64')
            WHERE service = \(service) AND store_id = \(storeID) AND caller = \(caller) AND key = \(key)
            """)
    }

    /// The documented error responses worth replaying (4xx); nil for unexpected failures.
    func documented(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: error.status.code < 500 ? error : nil
        case let error as FormErrors: .form(error)
        default: refusal(error)
        }
    }

    static func caller(_ identity: Identity?) -> String {
        guard let identity else { return "anonymous" }
        return "\(identity.kind.rawValue):\(identity.userID?.text ?? identity.merchantUser ?? "")"
    }

    static func hash(method: String, path: String, query: String?, body: ByteBuffer) -> String {
        let text = "\(method) \(path)?\(query ?? "")\n" + Data(body.readableBytesView).base64EncodedString()
        return Secrets.sha256Hex(text)
    }
}

/// Collects a response body into bytes.
final class ByteSink: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

struct CollectingWriter: ResponseBodyWriter {
    let sink: ByteSink
    mutating func write(_ buffer: ByteBuffer) async throws { sink.bytes.withLock { $0 += buffer.readableBytesView } }
    mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for buffer in buffers { sink.bytes.withLock { $0 += buffer.readableBytesView } }
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension IdempotencyMiddleware where Context == StoreContext {
    /// For the routes of a store: keys are scoped per store and caller.
    public init(service: String, refusal: @escaping @Sendable (any Error) -> APIError? = { _ in nil }) {
        self.init(service: service, refusal: refusal, scope: { $0.store.id })
    }
}

extension IdempotencyMiddleware where Context == ServiceContext {
    /// For a whole service, global endpoints included: keys are scoped per caller (the request's path, store code
    /// included, is part of what a replay must match).
    public init(service: String) {
        self.init(service: service, refusal: { _ in nil }, scope: { _ in UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) })
    }
}
