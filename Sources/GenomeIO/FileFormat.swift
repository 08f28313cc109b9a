import Foundation

/// How a sequence file is compressed, read from its first bytes.
enum Compression: Equatable {
    case none, gzip, bgzf

    static func detect(path: String) -> Compression {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .none }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 18)) ?? Data())
        guard head.count >= 2, head[0] == 0x1f, head[1] == 0x8b else { return .none }
        // BGZF: gzip with FEXTRA and a 'BC' subfield first (SAM spec §4.1).
        if head.count >= 14, head[3] & 4 != 0, head[12] == UInt8(ascii: "B"), head[13] == UInt8(ascii: "C") {
            return .bgzf
        }
        return .gzip
    }
}
