import CHTSlib
import Foundation
import GenomeIO

/// A bedGraph compressed with BGZF and indexed with tabix as it is written (`.bedGraph.gz` + `.tbi`, the index
/// saved on `finish()`). The first line is the track line, which the index skips, so `tabix file.bedGraph.gz
/// chr:beg-end` answers region queries.
public final class BedGraphWriter: TrackSink {
    public let path: String
    public let indexPath: String
    private let contigs: ContigTable
    /// Contig names as bytes, so a line is assembled without building a String.
    private let names: [[UInt8]]
    private var stream: UnsafeMutablePointer<BGZF>?
    private let index: TabixIndex
    /// The last line written, indexed once the next one is (or at the end, with the offset reading would give).
    private var unindexed: (contig: Int, start: Int, end: Int, offset: Int64)?
    /// One line: the longest name, two 20-digit numbers, a value of at most 16 characters, tabs and the newline.
    private var line: [UInt8]

    /// `path` and `indexPath` may be staging names; the index records no file name.
    public init(path: String, indexPath: String, contigs: ContigTable, trackLine: String) throws {
        // Level 1: the values are float32 noise to deflate, and level 6 tripled the cost for 11% smaller files.
        guard let stream = bgzf_open(path, "w1") else {
            throw TracksError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.indexPath = indexPath
        self.contigs = contigs
        let names = contigs.contigs.map { Array($0.name.utf8) }
        self.names = names
        self.stream = stream
        line = [UInt8](repeating: 0, count: (names.map(\.count).max() ?? 0) + 64)
        let header = Array((trackLine + "\n").utf8)
        guard bgzf_write(stream, header, header.count) == header.count else { throw TracksError("cannot write '\(path)'") }
        index = try TabixIndex(offset0: plrp_bgzf_tell(stream)) { names[$0] }
    }

    deinit { if let stream { bgzf_close(stream) } }

    /// A bedGraph track line: positive values drawn in `color`, negative in `altColor`, missing bases as 0.
    public static func trackLine(name: String, description: String) -> String {
        "track type=bedGraph name=\"\(name)\" description=\"\(description)\" visibility=full color=200,40,40 altColor=40,80,200 alwaysZero=on"
    }

    /// A value as bedGraph text: the shortest decimal that reads back as the same float32, `0` for zeros.
    public static func format(_ value: Float) -> String {
        value == 0 ? "0" : "\(value)"
    }

    public func write(_ run: TrackRun) throws { try write(contentsOf: [run]) }

    /// Each run as a line, written and indexed with the offset after it (as tabix reading the file would).
    public func write(contentsOf runs: [TrackRun]) throws {
        guard let stream else { return }
        var last = unindexed
        defer { unindexed = last }
        let index = self.index
        try line.withUnsafeMutableBufferPointer { line in
            let base = line.baseAddress!
            for run in runs {
                var n = 0
                names[run.contig].withUnsafeBufferPointer { name in
                    base.update(from: name.baseAddress!, count: name.count)
                    n = name.count
                }
                base[n] = 0x09
                n = Self.decimal(run.start, at: base + n + 1) - base
                base[n] = 0x09
                n = Self.decimal(run.end, at: base + n + 1) - base
                base[n] = 0x09
                n += 1
                if run.value == 0 {
                    base[n] = 0x30
                    n += 1
                } else {
                    var text = run.value.description
                    text.withUTF8 { utf8 in
                        (base + n).update(from: utf8.baseAddress!, count: utf8.count)
                        n += utf8.count
                    }
                }
                base[n] = 0x0a
                n += 1
                guard bgzf_write(stream, base, n) == n else { throw TracksError("cannot write '\(path)'") }
                if let last { try index.push(contig: last.contig, start: last.start, end: last.end, offset: last.offset) }
                last = (run.contig, run.start, run.end, plrp_bgzf_tell(stream))
            }
        }
    }

    /// Writes `value`'s decimal digits at `at`; returns the address after the last.
    private static func decimal(_ value: Int, at: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var digits = 1, bound = 10
        while value >= bound && digits < 19 { digits += 1; bound &*= 10 }
        var n = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            at[i] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
            n /= 10
        }
        return at + digits
    }

    public func finish() throws {
        guard let stream else { return }
        self.stream = nil
        // Reading the file, the offset after the last line is the start of the block after it.
        guard bgzf_flush(stream) == 0 else { bgzf_close(stream); throw TracksError("cannot write '\(path)'") }
        let end = plrp_bgzf_tell(stream)
        if let last = unindexed { try index.push(contig: last.contig, start: last.start, end: last.end, offset: end) }
        guard bgzf_close(stream) == 0 else { throw TracksError("cannot write '\(path)'") }
        try index.write(finalOffset: end, path: path, indexPath: indexPath)
    }
}
