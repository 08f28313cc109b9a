import CBigWig
import CHTSlib
import Foundation

/// Per-base values of a genome track (bigWig, or a tabix-indexed bedGraph.gz) read span by span into a caller's
/// buffer, so that a whole genome can be walked in memory bounded by the span. Bases without a value read as 0.
public final class TrackValues {
    public let path: String
    private enum Source {
        case bigWig(UnsafeMutablePointer<bigWigFile_t>)
        case bedGraph(OpaquePointer, UnsafeMutablePointer<tbx_t>)
    }
    private let source: Source
    private var line = kstring_t(l: 0, m: 0, s: nil)

    /// Opens `path`: a bigWig by its magic number (so a staged file under a temporary name opens too), anything else
    /// as a bedGraph with a `.tbi` index; a file named `.bw`/`.bigWig` that is no bigWig is refused.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else { throw TracksError("cannot read track '\(path)'") }
        let lower = path.lowercased()
        // libBigWig complains on stderr about a file that is not one; its magic number is checked first.
        var magic: [UInt8] = []
        if let handle = FileHandle(forReadingAtPath: path) {
            magic = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
            try? handle.close()
        }
        let isBigWig = magic == [0x26, 0xFC, 0x8F, 0x88]
        if isBigWig || lower.hasSuffix(".bw") || lower.hasSuffix(".bigwig") {
            guard isBigWig, let file = bwOpen(path, nil, "r") else { throw TracksError("cannot open bigWig '\(path)' (not a bigWig file?)") }
            source = .bigWig(file)
        } else {
            guard let file = hts_open(path, "r") else { throw TracksError("cannot open bedGraph '\(path)'") }
            guard let index = tbx_index_load(path) else {
                hts_close(file)
                throw TracksError("'\(path)' has no tabix index (.tbi); give a bigWig or a bgzipped, tabix-indexed bedGraph")
            }
            source = .bedGraph(OpaquePointer(file), index)
        }
    }

    deinit {
        free(line.s)
        switch source {
        case .bigWig(let file): bwClose(file)
        case .bedGraph(let file, let index):
            tbx_destroy(index)
            hts_close(UnsafeMutablePointer<htsFile>(file))
        }
    }

    /// The contigs the track names, in file order: a bigWig's header, a bedGraph index's sequences.
    public var contigs: [String] {
        switch source {
        case .bigWig(let file):
            guard let list = file.pointee.cl else { return [] }
            return (0..<Int(list.pointee.nKeys)).map { String(cString: list.pointee.chrom[$0]!) }
        case .bedGraph(_, let index):
            var n: Int32 = 0
            guard let names = tbx_seqnames(index, &n) else { return [] }
            defer { free(names) }
            return (0..<Int(n)).map { String(cString: names[$0]!) }
        }
    }

    /// Whether the track holds any value on `contig` (read from a bigWig's zoom levels, a bedGraph's index).
    public func hasValues(contig: String) -> Bool {
        switch source {
        case .bigWig(let file):
            guard let list = file.pointee.cl,
                  let i = (0..<Int(list.pointee.nKeys)).first(where: { String(cString: list.pointee.chrom[$0]!) == contig }),
                  list.pointee.len[i] > 0,
                  let values = bwStats(file, contig, 0, list.pointee.len[i], 1, bwStatsType(rawValue: 4)) else { return false }
            defer { free(values) }
            return values[0] > 0
        case .bedGraph(_, let index):
            return tbx_name2id(index, contig) >= 0
        }
    }

    /// Replaces `buffer` with the values of bases `[start, end)` of `contig` (0 where the track has none); returns
    /// whether any base had a value.
    @discardableResult
    public func read(contig: String, start: Int, end: Int, into buffer: inout [Float]) throws -> Bool {
        let n = end - start
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: max(0, n)))
        guard n > 0 else { return false }
        var any = false
        switch source {
        case .bigWig(let file):
            guard let found = bwGetOverlappingIntervals(file, contig, UInt32(start), UInt32(end)) else { return false }
            defer { bwDestroyOverlappingIntervals(found) }
            let o = found.pointee
            buffer.withUnsafeMutableBufferPointer { values in
                for i in 0..<Int(o.l) {
                    let from = max(Int(o.start[i]), start), to = min(Int(o.end[i]), end)
                    guard from < to else { continue }
                    any = true
                    for p in from..<to { values[p - start] = o.value[i] }
                }
            }
        case .bedGraph(let file, let index):
            let tid = tbx_name2id(index, contig)
            guard tid >= 0 else { return false }
            guard let iterator = plrp_tbx_itr_queryi(index, tid, hts_pos_t(start), hts_pos_t(end)) else {
                throw TracksError("'\(path)': cannot query \(contig):\(start + 1)-\(end)")
            }
            defer { plrp_hts_itr_destroy(iterator) }
            let stream = UnsafeMutablePointer<htsFile>(file)
            while plrp_tbx_itr_next(stream, index, iterator, &line) >= 0 {
                guard let text = line.s else { continue }
                // contig \t start \t end \t value
                var fields: [Int] = [], i = 0
                while i < Int(line.l), fields.count < 3 { if text[i] == 9 { fields.append(i) }; i += 1 }
                guard fields.count == 3 else { throw TracksError("'\(path)': not a bedGraph line in \(contig):\(start + 1)-\(end)") }
                let from = strtol(text + fields[0] + 1, nil, 10), to = strtol(text + fields[1] + 1, nil, 10)
                var stop: UnsafeMutablePointer<CChar>?
                let value = strtof(text + fields[2] + 1, &stop)
                guard stop != text + fields[2] + 1 else {
                    throw TracksError("'\(path)': not a bedGraph value in \(contig):\(start + 1)-\(end)")
                }
                let a = max(from, start), b = min(to, end)
                guard a < b else { continue }
                any = true
                for p in a..<b { buffer[p - start] = value }
            }
        }
        return any
    }
}
