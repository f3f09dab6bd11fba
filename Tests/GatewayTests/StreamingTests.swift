import AsyncHTTPClient
import GatewayKit
import NIOCore
import NIOHTTP1
import Testing

@Suite("Streaming bodies")
struct StreamingTests {
    static let twentyMiB = 20 * 1024 * 1024
    static let importPath = "/api/DEMO/points/transfer/import"

    @Test("a 20 MiB upload with Content-Length goes through and comes back intact")
    func largeBodyWithContentLength() async throws {
        try await withGateway { gateway in
            let payload = TestPayload.bytes(count: Self.twentyMiB)
            let response = try await gateway.send(.POST, Self.importPath, body: .bytes(payload))
            #expect(response.status == 200)
            #expect(response.replica == "ledger-1")
            #expect(response.header("x-echo-content-length") == String(Self.twentyMiB), "length passed upstream")
            #expect(response.body.readableBytes == Self.twentyMiB)
            #expect(TestPayload.checksum(response.body) == TestPayload.checksum(payload))
        }
    }

    /// If the gateway buffered either body, the response head could not arrive before the upload ends and this
    /// test would time out: the client only sends the second half after it has the response head.
    @Test("a chunked 20 MiB upload streams both ways: the response starts before the upload ends")
    func fullDuplexChunkedUpload() async throws {
        try await withGateway { gateway in
            let payload = TestPayload.bytes(count: Self.twentyMiB)
            let chunks = TestPayload.chunks(of: payload, size: 64 * 1024)
            let (body, feeder) = AsyncStream.makeStream(of: ByteBuffer.self)

            var request = HTTPClientRequest(url: gateway.baseURL + Self.importPath)
            request.method = .POST
            request.body = .stream(body, length: .unknown)

            chunks[..<(chunks.count / 2)].forEach { feeder.yield($0) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            #expect(response.status == .ok)
            chunks[(chunks.count / 2)...].forEach { feeder.yield($0) }
            feeder.finish()

            let echoed = try await response.body.collect(upTo: 2 * Self.twentyMiB)
            #expect(echoed.readableBytes == Self.twentyMiB)
            #expect(TestPayload.checksum(echoed) == TestPayload.checksum(payload))
        }
    }
}

@Suite("Upstreams that answer before reading the body")
struct EarlyAnswerTests {
    @Test("the answer reaches the client and the gateway keeps serving", arguments: [200, 401, 413])
    func earlyAnswer(status: Int) async throws {
        try await withGateway { gateway in
            let payload = TestPayload.bytes(count: 8 * 1024 * 1024)
            let (body, feeder) = AsyncStream.makeStream(of: ByteBuffer.self)
            TestPayload.chunks(of: payload, size: 64 * 1024).forEach { feeder.yield($0) }
            feeder.finish()

            var request = HTTPClientRequest(url: gateway.baseURL + StreamingTests.importPath + "?answer=\(status)")
            request.method = .POST
            request.body = .stream(body, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            #expect(Int(response.status.code) == status)
            #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "early")

            let followUp = try await gateway.send(.POST, StreamingTests.importPath, body: .bytes(ByteBuffer(string: "ok")))
            #expect(followUp.status == 200)
            #expect(followUp.text == "ok")
        }
    }
}
