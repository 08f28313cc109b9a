/// Reads float32 arrays from an uncompressed `.npz` (as written by `NPZWriter` or `numpy.savez`).
public enum NPZReader {
    public struct Array32: Sendable {
        public let shape: [Int]
        public let values: [Float]
    }

    /// Reads member `name` (default `arr_0`) whole.
    public static func read(path: String, member name: String = "arr_0") throws -> Array32 {
        let rows = try Rows(path: path, member: name)
        return Array32(shape: rows.shape, values: try rows.file.read(Float.self, count: rows.shape.reduce(1, *), placeholder: 0))
    }

    /// Random access to the rows (first-axis slices) of one member, without reading the rest.
    public final class Rows {
        public let shape: [Int]
        fileprivate let file: BinaryFile
        private let dataOffset: Int
        private let rowLength: Int

        public init(path: String, member name: String = "arr_0") throws {
            file = try BinaryFile(readingFrom: path)
            try NPZReader.seekToMember(name, in: file)
            shape = try NPYHeader.parse(file).shape
            dataOffset = file.offset
            rowLength = shape.dropFirst().reduce(1, *)
        }

        public var count: Int { shape.first ?? 0 }

        /// Row `i` as `rowLength` floats.
        public func row(_ i: Int) throws -> [Float] {
            try file.seek(to: dataOffset + i * rowLength * 4)
            return try file.read(Float.self, count: rowLength, placeholder: 0)
        }

        /// Rows `range`, one after another.
        public func rows(_ range: Range<Int>) throws -> [Float] {
            try file.seek(to: dataOffset + range.lowerBound * rowLength * 4)
            return try file.read(Float.self, count: range.count * rowLength, placeholder: 0)
        }
    }

    /// Walks the local headers from the start (stored members only) and leaves `file` at the member's data.
    fileprivate static func seekToMember(_ name: String, in file: BinaryFile) throws {
        let path = file.path
        let target = Array((name + ".npy").utf8)
        var offset = 0
        let size = file.size
        while offset + 30 <= size {
            try file.seek(to: offset)
            let h = try file.read(count: 30)
            guard u32(h, 0) == 0x0403_4b50 else { break }
            let method = u16(h, 8)
            var dataSize = Int(u32(h, 18))
            let nameLength = Int(u16(h, 26))
            let extraLength = Int(u16(h, 28))
            let memberName = try file.read(count: nameLength)
            let extra = try file.read(count: extraLength)
            if dataSize == 0xFFFF_FFFF {
                var e = 0
                while e + 4 <= extra.count {
                    let id = u16(extra, e), length = Int(u16(extra, e + 2))
                    if id == 1, length >= 16 { dataSize = Int(u64(extra, e + 4 + 8)) }
                    e += 4 + length
                }
            }
            let dataOffset = offset + 30 + nameLength + extraLength
            if memberName == target {
                guard method == 0 else { throw TracksError("'\(path)': member \(name) is compressed; only stored members are supported") }
                try file.seek(to: dataOffset)
                return
            }
            offset = dataOffset + dataSize
        }
        throw TracksError("'\(path)': no member '\(name)'")
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    private static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }
}
