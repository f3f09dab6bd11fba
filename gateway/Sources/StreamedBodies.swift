import AsyncHTTPClient
import Hummingbird
import NIOCore
import Synchronization

/// The client's request body as streamed to an upstream (never buffered), with the bookkeeping the proxy
/// needs around it:
///
/// - **Failover.** The HTTP client reads a streamed body only once it has a connection and has written the
///   request head, so an attempt that failed to connect left the body untouched (``uploadStarted`` is false)
///   and the next replica can still be sent all of it.
/// - **Early answers.** An upstream may answer before it has read the whole body (an error, say). Once the
///   response is written, Hummingbird reads and discards whatever the client still sends, and that must not
///   overlap an upload still reading the same connection. So after the response is complete,
///   ``abandonUpload()`` lets a read in flight finish (or cancels it after a grace period) and makes every
///   later read fail without touching the body.
struct ForwardedRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    private let upload: UploadState

    init(_ body: RequestBody) {
        self.upload = UploadState(body: body)
    }

    /// Whether an upstream attempt has started reading the body.
    var uploadStarted: Bool { upload.started }

    /// Ends the upload: waits for (or cancels) a read in progress; later reads fail without touching the body.
    func abandonUpload() async {
        await upload.abandon()
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(upload: upload)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let upload: UploadState

        func next() async throws -> ByteBuffer? {
            try await upload.read()
        }
    }
}

/// Thrown to the HTTP client when the proxy abandoned an upload, so it fails the upload instead of ending it
/// as if the body were complete.
struct UploadAbandonedError: Error {}

/// Shared state of one request body's upload.
final class UploadState: Sendable {
    private struct State {
        var started = false
        var abandoned = false
        var finished = false
        var readInFlight: Task<ByteBuffer?, any Error>?
    }

    private let body: BodyReader
    private let state = Mutex(State())

    init(body: RequestBody) {
        self.body = BodyReader(body: body)
    }

    var started: Bool {
        state.withLock { $0.started }
    }

    /// The next chunk, read in a task of our own so that ``abandon()`` can cancel it.
    func read() async throws -> ByteBuffer? {
        let read: Task<ByteBuffer?, any Error>? = try state.withLock { state in
            guard !state.abandoned else { throw UploadAbandonedError() }
            guard !state.finished else { return nil }
            state.started = true
            let read = Task { [body] in try await body.next() }
            state.readInFlight = read
            return read
        }
        guard let read else { return nil }
        let result = await withTaskCancellationHandler {
            await read.result
        } onCancel: {
            read.cancel()
        }
        return try state.withLock { state in
            state.readInFlight = nil
            if state.abandoned { throw UploadAbandonedError() }
            if case .success(nil) = result { state.finished = true }
            return try result.get()
        }
    }

    /// - Parameter lingering: how long a read waiting for the client may take before it is cancelled (which
    ///   ends the client connection: its stream cannot be read again). A client still uploading completes the
    ///   read at once; one that stopped sending after the answer closes the connection.
    func abandon(lingering: Duration = .seconds(10)) async {
        let read = state.withLock { state in
            state.abandoned = true
            return state.readInFlight
        }
        guard let read else { return }
        let deadline = Task {
            try await Task.sleep(for: lingering)
            read.cancel()
        }
        _ = await read.result
        deadline.cancel()
    }
}

/// Owns the Hummingbird body iterator, created on the first read. Unchecked `Sendable`: ``UploadState`` runs
/// at most one `next()` at a time (a read starts only after the previous one has been awaited, under its lock).
private final class BodyReader: @unchecked Sendable {
    private let body: RequestBody
    private var iterator: RequestBody.AsyncIterator?

    init(body: RequestBody) {
        self.body = body
    }

    func next() async throws -> ByteBuffer? {
        var current = iterator ?? body.makeAsyncIterator()
        defer { iterator = current }
        return try await current.next()
    }
}

/// A response body that abandons the request body's upload once it is written — or failed — so that
/// Hummingbird can then drain the rest of the client's body (see ``ForwardedRequestBody``).
///
/// - Parameter write: writes the body and finishes it (`writer.finish(nil)`): the client has the complete
///   response before the upload is wound down.
func responseBody(
    abandoningUploadOf requestBody: ForwardedRequestBody?,
    contentLength: Int? = nil,
    _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
) -> ResponseBody {
    guard let requestBody else { return ResponseBody(contentLength: contentLength, write) }
    return ResponseBody(contentLength: contentLength) { writer in
        do {
            try await write(&writer)
        } catch {
            await requestBody.abandonUpload()
            throw error
        }
        await requestBody.abandonUpload()
    }
}
