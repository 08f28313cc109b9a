import CHTSlib

/// zlib-compresses bigWig blocks through one reused buffer and remembers the largest block before compression, which
/// the header must state so that readers size their buffers. Level 1: at zlib's default level 6 compressing was a
/// fifth of a run with tracks, and level 1 made the chr2R bigWig no larger (7.40 MB against 7.44 MB).
struct BlockCompressor {
    private var output: [UInt8] = []
    private(set) var largestBlock = 0

    /// Writes `words` compressed at the file's current offset and returns the compressed size.
    mutating func write(_ words: [UInt32], to file: BinaryFile) throws -> UInt32 {
        let bytes = words.count * 4
        largestBlock = max(largestBlock, bytes)
        let bound = Int(compressBound(uLong(bytes)))
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        var size = uLongf(output.count)
        let status = words.withUnsafeBytes { source in
            output.withUnsafeMutableBufferPointer {
                compress2($0.baseAddress, &size, source.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(bytes), 1)
            }
        }
        guard status == Z_OK else { throw TracksError("cannot write '\(file.path)': zlib error \(status)") }
        try output.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[..<Int(size)])) }
        return UInt32(size)
    }
}
