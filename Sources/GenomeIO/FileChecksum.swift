import CHTSlib
import Foundation

/// MD5 of a file's bytes (hex), as recorded for inputs in run manifests; MD5 is what SAM `M5` tags use.
public enum FileChecksum {
    public static func md5(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GenomeIOError.data("cannot read '\(path)': \(FileProblem.describe(path: path))")
        }
        defer { try? handle.close() }
        guard let context = hts_md5_init() else { throw GenomeIOError.data("out of memory") }
        defer { hts_md5_destroy(context) }
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hts_md5_update(context, $0.baseAddress, UInt($0.count)) }
        }
        var digest = [UInt8](repeating: 0, count: 16)
        hts_md5_final(&digest, context)
        var hex = [CChar](repeating: 0, count: 33)
        hts_md5_hex(&hex, digest)
        return String(cString: hex)
    }
}
