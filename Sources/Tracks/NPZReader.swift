/// Reads float32 arrays from an uncompressed `.npz` (as written by `NPZWriter` or `numpy.savez`).
public enum NPZReader {
    public struct Array32: Sendable {
        public let shape: [Int]
        public let values: [Float]
    }

    /// Reads member `name` (default `arr_0`).
    public static func read(path: String, member name: String = "arr_0") throws -> Array32 {
        let file = try BinaryFile(readingFrom: path)
        let target = Array((name + ".npy").utf8)
        // Walk the local headers from the start; stored members only.
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
                let header = try NPYHeader.parse(file)
                let count = header.shape.reduce(1, *)
                let values = try file.read(Float.self, count: count, placeholder: 0)
                return Array32(shape: header.shape, values: values)
            }
            offset = dataOffset + dataSize
        }
        throw TracksError("'\(path)': no member '\(name)'")
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    private static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }
}
