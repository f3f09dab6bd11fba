import NIOCore

/// Deterministic pseudo-random bytes, and a checksum to compare what came back with what was sent.
enum TestPayload {
    static func bytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> ByteBuffer {
        var state = seed
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        for _ in 0..<(count / 8) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            buffer.writeInteger(state)
        }
        return buffer
    }

    /// An FNV-style checksum over the readable bytes, eight at a time (fast enough in debug builds).
    static func checksum(_ buffer: ByteBuffer) -> UInt64 {
        buffer.withUnsafeReadableBytes { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var offset = 0
            while offset + 8 <= bytes.count {
                hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0100_0000_01b3
                offset += 8
            }
            while offset < bytes.count {
                hash = (hash ^ UInt64(bytes[offset])) &* 0x0100_0000_01b3
                offset += 1
            }
            return hash ^ UInt64(bytes.count)
        }
    }

    /// `buffer` cut into slices of `size` bytes.
    static func chunks(of buffer: ByteBuffer, size: Int) -> [ByteBuffer] {
        stride(from: 0, to: buffer.readableBytes, by: size).compactMap { offset in
            buffer.getSlice(at: buffer.readerIndex + offset, length: min(size, buffer.readableBytes - offset))
        }
    }
}
