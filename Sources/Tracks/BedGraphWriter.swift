import CHTSlib
import Foundation
import GenomeIO

/// A bedGraph compressed with BGZF and indexed with tabix on `finish()` (`.bedGraph.gz` + `.tbi`). The first line is
/// the track line, which the index skips, so `tabix file.bedGraph.gz chr:beg-end` answers region queries.
public final class BedGraphWriter: TrackSink {
    public let path: String
    public let indexPath: String
    private let contigs: ContigTable
    /// Contig names as bytes, so a line is assembled without building a String.
    private let names: [[UInt8]]
    private var stream: UnsafeMutablePointer<BGZF>?
    private var buffer: [UInt8] = []

    /// `path` and `indexPath` may be staging names; the index records no file name.
    public init(path: String, indexPath: String, contigs: ContigTable, trackLine: String) throws {
        // Level 1: the values are float32 noise to deflate, and level 6 tripled the cost for 11% smaller files.
        guard let stream = bgzf_open(path, "w1") else {
            throw TracksError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.indexPath = indexPath
        self.contigs = contigs
        names = contigs.contigs.map { Array($0.name.utf8) }
        self.stream = stream
        buffer.reserveCapacity(1 << 16)
        buffer.append(contentsOf: (trackLine + "\n").utf8)
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

    public func write(_ run: TrackRun) throws {
        buffer.append(contentsOf: names[run.contig])
        buffer.append(0x09)
        Self.appendDecimal(run.start, to: &buffer)
        buffer.append(0x09)
        Self.appendDecimal(run.end, to: &buffer)
        buffer.append(0x09)
        if run.value == 0 { buffer.append(0x30) } else { buffer.append(contentsOf: run.value.description.utf8) }
        buffer.append(0x0a)
        if buffer.count >= 1 << 16 { try drain() }
    }

    private static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { bytes in
            repeat {
                bytes[count] = UInt8(0x30 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(bytes[i]) }
        }
    }

    public func finish() throws {
        try drain()
        guard let stream else { return }
        self.stream = nil
        guard bgzf_close(stream) == 0 else { throw TracksError("cannot write '\(path)'") }
        // tabix: BED-like columns (0-based starts), '#' comments, one line (the track line) skipped.
        var conf = tbx_conf_t(preset: Int32(TBX_UCSC), sc: 1, bc: 2, ec: 3, meta_char: Int32(UInt8(ascii: "#")), line_skip: 1)
        guard tbx_index_build2(path, indexPath, 0, &conf) == 0 else {
            throw TracksError("cannot build the tabix index of '\(path)'")
        }
    }

    private func drain() throws {
        guard let stream, !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { bgzf_write(stream, $0.baseAddress, $0.count) }
        guard written == buffer.count else { throw TracksError("cannot write '\(path)'") }
        buffer.removeAll(keepingCapacity: true)
    }
}
