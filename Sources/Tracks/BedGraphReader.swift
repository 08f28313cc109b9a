import CHTSlib
import Foundation

/// Reads back what `BedGraphWriter` wrote.
public enum BedGraphReader {
    /// The first line of a BGZF (or plain) bedGraph — its track line — without the newline.
    public static func firstLine(of path: String) throws -> String {
        guard let stream = bgzf_open(path, "r") else { throw TracksError("cannot open '\(path)'") }
        defer { bgzf_close(stream) }
        var line = kstring_t(l: 0, m: 0, s: nil)
        defer { free(line.s) }
        guard bgzf_getline(stream, Int32(UInt8(ascii: "\n")), &line) >= 0, let text = line.s else {
            throw TracksError("'\(path)' is empty")
        }
        return String(cString: text)
    }
}

extension BedGraphReader {
    /// One bedGraph line: `[start, end)` of `contig` with `value`.
    public struct Line: Sendable, Equatable {
        public let contig: String
        public let start: Int
        public let end: Int
        public let value: Float
    }

    /// The lines of a tabix-indexed bedGraph overlapping `region` (samtools syntax, 1-based inclusive).
    public static func query(_ path: String, region: String) throws -> [Line] {
        guard let file = hts_open(path, "r") else { throw TracksError("cannot open '\(path)'") }
        defer { hts_close(file) }
        guard let index = tbx_index_load(path) else { throw TracksError("'\(path)' has no tabix index (.tbi)") }
        defer { tbx_destroy(index) }
        guard let iterator = plrp_tbx_itr_querys(index, region) else {
            throw TracksError("'\(path)': cannot query \(region) (contig not in the track?)")
        }
        defer { plrp_hts_itr_destroy(iterator) }
        var text = kstring_t(l: 0, m: 0, s: nil)
        defer { free(text.s) }
        var lines: [Line] = []
        while plrp_tbx_itr_next(file, index, iterator, &text) >= 0 {
            let fields = String(cString: text.s).split(separator: "\t")
            guard fields.count >= 4, let start = Int(fields[1]), let end = Int(fields[2]), let value = Float(fields[3]) else {
                throw TracksError("'\(path)': malformed line in \(region)")
            }
            lines.append(Line(contig: String(fields[0]), start: start, end: end, value: value))
        }
        return lines
    }
}
