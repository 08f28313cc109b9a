import CHTSlib

/// Streams one float32 array `[N, d1, d2, …]` into a NumPy `.npz` (a ZIP archive holding `arr_0.npy`, stored
/// uncompressed) without knowing N in advance: rows are appended as they come and the header, sizes and CRC are
/// patched on `finish()`. ZIP64 records are written when the archive needs them, so arrays may exceed 4 GiB.
public final class NPZWriter {
    public let path: String
    public let rowShape: [Int]
    public private(set) var rows = 0
    private let file: BinaryFile
    private let rowLength: Int
    private let memberName = Array("arr_0.npy".utf8)
    private var dataCRC: UInt = crc32(0, nil, 0)
    private var dataBytes = 0
    private let headerLength: Int
    private var finished = false

    /// - Parameter rowShape: the dimensions after the first, e.g. `[4, L]`.
    public init(path: String, rowShape: [Int]) throws {
        self.path = path
        self.rowShape = rowShape
        rowLength = rowShape.reduce(1, *)
        file = try BinaryFile(writingTo: path)
        headerLength = NPYHeader(shape: [0] + rowShape).bytes().count
        try file.write(localHeader(crc: 0, size: 0))
        try file.write(NPYHeader(shape: [0] + rowShape).bytes())
    }

    /// Appends whole rows: `values.count` must be a multiple of the row length.
    public func append(_ values: [Float]) throws {
        precondition(!finished, "append after finish")
        precondition(values.count % max(rowLength, 1) == 0, "values must hold whole rows")
        try file.write(contentsOf: values)
        values.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {  // zlib's crc32 takes a 32-bit length
                let n = min(raw.count - offset, 1 << 30)
                dataCRC = crc32(dataCRC, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self),
                                uInt(n))
                offset += n
            }
        }
        dataBytes += values.count * 4
        rows += rowLength == 0 ? 0 : values.count / rowLength
    }

    /// Writes the final header, sizes, CRC and the central directory.
    public func finish() throws {
        precondition(!finished, "finish twice")
        finished = true
        let header = NPYHeader(shape: [rows] + rowShape).bytes()
        precondition(header.count == headerLength, "npy header length must not change")
        let memberSize = header.count + dataBytes
        let headerCRC = header.withUnsafeBufferPointer { crc32(crc32(0, nil, 0), $0.baseAddress, uInt($0.count)) }
        let crc = UInt32(truncatingIfNeeded: crc32_combine(headerCRC, dataCRC, off_t(dataBytes)))
        let centralOffset = file.offset
        try file.write(centralDirectory(crc: crc, size: memberSize, centralOffset: centralOffset))
        try file.seek(to: 0)
        try file.write(localHeader(crc: crc, size: memberSize))
        try file.write(header)
        try file.flush()
    }

    private static let zip64Marker: UInt32 = 0xFFFF_FFFF

    /// Local file header, always with a ZIP64 extra field so it has the same length whatever the final size.
    private func localHeader(crc: UInt32, size: Int) -> [UInt8] {
        var h: [UInt8] = []
        h.appendLittleEndian(UInt32(0x0403_4b50))
        h.appendLittleEndian(UInt16(45))          // version needed: ZIP64
        h.appendLittleEndian(UInt16(0))           // flags
        h.appendLittleEndian(UInt16(0))           // stored
        h.appendLittleEndian(UInt16(0))           // time 00:00:00, fixed so output is reproducible
        h.appendLittleEndian(UInt16(0x21))        // date 1980-01-01
        h.appendLittleEndian(crc)
        h.appendLittleEndian(Self.zip64Marker)
        h.appendLittleEndian(Self.zip64Marker)
        h.appendLittleEndian(UInt16(memberName.count))
        h.appendLittleEndian(UInt16(20))
        h.append(contentsOf: memberName)
        h.appendLittleEndian(UInt16(1))           // ZIP64 extra field
        h.appendLittleEndian(UInt16(16))
        h.appendLittleEndian(UInt64(size))
        h.appendLittleEndian(UInt64(size))
        return h
    }

    private func centralDirectory(crc: UInt32, size: Int, centralOffset: Int) -> [UInt8] {
        let big = size >= Int(Self.zip64Marker)
        var c: [UInt8] = []
        c.appendLittleEndian(UInt32(0x0201_4b50))
        c.appendLittleEndian(UInt16(45))          // made by
        c.appendLittleEndian(UInt16(45))          // needed
        c.appendLittleEndian(UInt16(0))
        c.appendLittleEndian(UInt16(0))
        c.appendLittleEndian(UInt16(0))
        c.appendLittleEndian(UInt16(0x21))
        c.appendLittleEndian(crc)
        c.appendLittleEndian(big ? Self.zip64Marker : UInt32(size))
        c.appendLittleEndian(big ? Self.zip64Marker : UInt32(size))
        c.appendLittleEndian(UInt16(memberName.count))
        c.appendLittleEndian(UInt16(big ? 20 : 0))
        c.appendLittleEndian(UInt16(0))           // comment
        c.appendLittleEndian(UInt16(0))           // disk
        c.appendLittleEndian(UInt16(0))           // internal attributes
        c.appendLittleEndian(UInt32(0))           // external attributes
        c.appendLittleEndian(UInt32(0))           // local header offset
        c.append(contentsOf: memberName)
        if big {
            c.appendLittleEndian(UInt16(1))
            c.appendLittleEndian(UInt16(16))
            c.appendLittleEndian(UInt64(size))
            c.appendLittleEndian(UInt64(size))
        }
        let centralSize = c.count
        let needsZip64End = centralOffset >= Int(Self.zip64Marker)
        if needsZip64End {
            let zip64EndOffset = centralOffset + centralSize
            c.appendLittleEndian(UInt32(0x0606_4b50))
            c.appendLittleEndian(UInt64(44))
            c.appendLittleEndian(UInt16(45))
            c.appendLittleEndian(UInt16(45))
            c.appendLittleEndian(UInt32(0))
            c.appendLittleEndian(UInt32(0))
            c.appendLittleEndian(UInt64(1))
            c.appendLittleEndian(UInt64(1))
            c.appendLittleEndian(UInt64(centralSize))
            c.appendLittleEndian(UInt64(centralOffset))
            c.appendLittleEndian(UInt32(0x0706_4b50))   // ZIP64 end locator
            c.appendLittleEndian(UInt32(0))
            c.appendLittleEndian(UInt64(zip64EndOffset))
            c.appendLittleEndian(UInt32(1))
        }
        c.appendLittleEndian(UInt32(0x0605_4b50))
        c.appendLittleEndian(UInt16(0))
        c.appendLittleEndian(UInt16(0))
        c.appendLittleEndian(UInt16(1))
        c.appendLittleEndian(UInt16(1))
        c.appendLittleEndian(UInt32(centralSize))
        c.appendLittleEndian(needsZip64End ? Self.zip64Marker : UInt32(centralOffset))
        c.appendLittleEndian(UInt16(0))
        return c
    }
}
