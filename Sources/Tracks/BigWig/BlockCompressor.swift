import CDeflate

/// zlib-compresses bigWig blocks (readers `uncompress` them) through one reused libdeflate compressor and output
/// buffer, and remembers the largest block before compression, which the header must state so that readers size
/// their buffers. libdeflate at level 2 makes blocks as small as zlib's level 1 in a third of the time (on a 2-Mb
/// chr2R track, 9.24 MB against 9.14 MB, 0.15 s against 0.37 s); level 1 is 10% larger for little gain.
final class BlockCompressor {
    private let compressor: OpaquePointer
    private var output: [UInt8] = []
    private(set) var largestBlock = 0

    init() {
        compressor = libdeflate_alloc_compressor(2)!
    }

    deinit { libdeflate_free_compressor(compressor) }

    /// Writes `words` compressed at the file's current offset and returns the compressed size.
    func write(_ words: [UInt32], to file: BinaryFile) throws -> UInt32 {
        let bytes = words.count * 4
        largestBlock = max(largestBlock, bytes)
        let bound = libdeflate_zlib_compress_bound(compressor, bytes)
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let size = words.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { libdeflate_zlib_compress(compressor, source.baseAddress, bytes, $0.baseAddress, $0.count) }
        }
        guard size > 0 else { throw TracksError("cannot write '\(file.path)': compression failed") }
        try output.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[..<size])) }
        return UInt32(size)
    }
}
