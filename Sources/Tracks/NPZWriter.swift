import CHTSlib

/// Streams float32 arrays `[N, d1, d2, …]` into a NumPy `.npz` (a ZIP archive of `.npy` members, stored
/// uncompressed) without knowing N in advance: rows are appended as they come and the headers, sizes and CRCs are
/// patched on `finish()`. The first member streams straight into the file; further members are spooled to scratch
/// files and copied in at the end. ZIP64 records are written when the archive needs them, so arrays may exceed 4 GiB.
public final class NPZWriter {
    public let path: String
    /// The first member's row shape.
    public var rowShape: [Int] { members[0].rowShape }
    /// Rows appended to the first member.
    public var rows: Int { members[0].rows }
    private let file: BinaryFile
    private var members: [Member]
    private var finished = false

    private struct Member {
        let name: [UInt8]
        let rowShape: [Int]
        let rowLength: Int
        let headerLength: Int
        /// nil for the first member, which writes into the archive directly.
        let spool: BinaryFile?
        var rows = 0
        var crc: UInt = crc32(0, nil, 0)
        var bytes = 0
    }

    /// One array, `arr_0` (what `numpy.savez` names a positional array).
    /// - Parameter rowShape: the dimensions after the first, e.g. `[4, L]`.
    public convenience init(path: String, rowShape: [Int]) throws {
        try self.init(path: path, members: [("arr_0", rowShape)])
    }

    /// Several named arrays, each with its own row shape.
    public init(path: String, members specs: [(name: String, rowShape: [Int])]) throws {
        precondition(!specs.isEmpty, "an archive needs a member")
        self.path = path
        file = try BinaryFile(writingTo: path)
        members = try specs.enumerated().map { index, spec in
            Member(name: Array("\(spec.name).npy".utf8), rowShape: spec.rowShape, rowLength: spec.rowShape.reduce(1, *),
                   headerLength: NPYHeader(shape: [0] + spec.rowShape).bytes().count,
                   spool: index == 0 ? nil : try BinaryFile(scratchAt: "\(path).member\(index).tmp"))
        }
        try file.write(Self.localHeader(name: members[0].name, crc: 0, size: 0))
        try file.write(NPYHeader(shape: [0] + members[0].rowShape).bytes())
    }

    /// Appends whole rows to a member: `values.count` must be a multiple of its row length.
    public func append(_ values: [Float], member index: Int = 0) throws {
        precondition(!finished, "append after finish")
        let rowLength = members[index].rowLength
        precondition(values.count % max(rowLength, 1) == 0, "values must hold whole rows")
        try (members[index].spool ?? file).write(contentsOf: values)
        values.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {  // zlib's crc32 takes a 32-bit length
                let n = min(raw.count - offset, 1 << 30)
                members[index].crc = crc32(members[index].crc,
                                           raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(n))
                offset += n
            }
        }
        members[index].bytes += values.count * 4
        members[index].rows += rowLength == 0 ? 0 : values.count / rowLength
    }

    /// Writes the final headers, sizes, CRCs, the other members and the central directory.
    public func finish() throws {
        precondition(!finished, "finish twice")
        finished = true
        var entries: [(name: [UInt8], crc: UInt32, size: Int, offset: Int)] = []
        for (index, member) in members.enumerated() {
            let header = NPYHeader(shape: [member.rows] + member.rowShape).bytes()
            precondition(header.count == member.headerLength, "npy header length must not change")
            let size = header.count + member.bytes
            let headerCRC = header.withUnsafeBufferPointer { crc32(crc32(0, nil, 0), $0.baseAddress, uInt($0.count)) }
            let crc = UInt32(truncatingIfNeeded: crc32_combine(headerCRC, member.crc, off_t(member.bytes)))
            if let spool = member.spool {
                entries.append((member.name, crc, size, file.offset))
                try file.write(Self.localHeader(name: member.name, crc: crc, size: size))
                try file.write(header)
                try spool.copy(member.bytes, to: file)
            } else {
                precondition(index == 0)
                entries.append((member.name, crc, size, 0))
            }
        }
        let centralOffset = file.offset
        try file.write(Self.centralDirectory(entries, centralOffset: centralOffset))
        try file.seek(to: 0)
        try file.write(Self.localHeader(name: entries[0].name, crc: entries[0].crc, size: entries[0].size))
        try file.write(NPYHeader(shape: [members[0].rows] + members[0].rowShape).bytes())
        try file.flush()
    }

    private static let zip64Marker: UInt32 = 0xFFFF_FFFF

    /// Local file header, always with a ZIP64 extra field so it has the same length whatever the final size.
    private static func localHeader(name: [UInt8], crc: UInt32, size: Int) -> [UInt8] {
        var h: [UInt8] = []
        h.appendLittleEndian(UInt32(0x0403_4b50))
        h.appendLittleEndian(UInt16(45))          // version needed: ZIP64
        h.appendLittleEndian(UInt16(0))           // flags
        h.appendLittleEndian(UInt16(0))           // stored
        h.appendLittleEndian(UInt16(0))           // time 00:00:00, fixed so output is reproducible
        h.appendLittleEndian(UInt16(0x21))        // date 1980-01-01
        h.appendLittleEndian(crc)
        h.appendLittleEndian(zip64Marker)
        h.appendLittleEndian(zip64Marker)
        h.appendLittleEndian(UInt16(name.count))
        h.appendLittleEndian(UInt16(20))
        h.append(contentsOf: name)
        h.appendLittleEndian(UInt16(1))           // ZIP64 extra field
        h.appendLittleEndian(UInt16(16))
        h.appendLittleEndian(UInt64(size))
        h.appendLittleEndian(UInt64(size))
        return h
    }

    private static func centralDirectory(_ entries: [(name: [UInt8], crc: UInt32, size: Int, offset: Int)],
                                         centralOffset: Int) -> [UInt8] {
        var c: [UInt8] = []
        for entry in entries {
            let bigSize = entry.size >= Int(zip64Marker), bigOffset = entry.offset >= Int(zip64Marker)
            let extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0)
            c.appendLittleEndian(UInt32(0x0201_4b50))
            c.appendLittleEndian(UInt16(45))          // made by
            c.appendLittleEndian(UInt16(45))          // needed
            c.appendLittleEndian(UInt16(0))
            c.appendLittleEndian(UInt16(0))
            c.appendLittleEndian(UInt16(0))
            c.appendLittleEndian(UInt16(0x21))
            c.appendLittleEndian(entry.crc)
            c.appendLittleEndian(bigSize ? zip64Marker : UInt32(entry.size))
            c.appendLittleEndian(bigSize ? zip64Marker : UInt32(entry.size))
            c.appendLittleEndian(UInt16(entry.name.count))
            c.appendLittleEndian(UInt16(extra == 0 ? 0 : 4 + extra))
            c.appendLittleEndian(UInt16(0))           // comment
            c.appendLittleEndian(UInt16(0))           // disk
            c.appendLittleEndian(UInt16(0))           // internal attributes
            c.appendLittleEndian(UInt32(0))           // external attributes
            c.appendLittleEndian(bigOffset ? zip64Marker : UInt32(entry.offset))  // local header offset
            c.append(contentsOf: entry.name)
            if extra > 0 {
                c.appendLittleEndian(UInt16(1))
                c.appendLittleEndian(UInt16(extra))
                if bigSize {
                    c.appendLittleEndian(UInt64(entry.size))
                    c.appendLittleEndian(UInt64(entry.size))
                }
                if bigOffset { c.appendLittleEndian(UInt64(entry.offset)) }
            }
        }
        let centralSize = c.count
        let needsZip64End = centralOffset >= Int(zip64Marker)
        if needsZip64End {
            let zip64EndOffset = centralOffset + centralSize
            c.appendLittleEndian(UInt32(0x0606_4b50))
            c.appendLittleEndian(UInt64(44))
            c.appendLittleEndian(UInt16(45))
            c.appendLittleEndian(UInt16(45))
            c.appendLittleEndian(UInt32(0))
            c.appendLittleEndian(UInt32(0))
            c.appendLittleEndian(UInt64(entries.count))
            c.appendLittleEndian(UInt64(entries.count))
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
        c.appendLittleEndian(UInt16(entries.count))
        c.appendLittleEndian(UInt16(entries.count))
        c.appendLittleEndian(UInt32(centralSize))
        c.appendLittleEndian(needsZip64End ? zip64Marker : UInt32(centralOffset))
        c.appendLittleEndian(UInt16(0))
        return c
    }
}
