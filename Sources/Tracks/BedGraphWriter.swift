import CHTSlib
import Foundation
import GenomeIO

/// A bedGraph compressed with BGZF and indexed with tabix on `finish()` (`.bedGraph.gz` + `.tbi`). The first line is
/// the track line, which the index skips, so `tabix file.bedGraph.gz chr:beg-end` answers region queries.
public final class BedGraphWriter: TrackSink {
    public let path: String
    public let indexPath: String
    private let contigs: ContigTable
    private var stream: UnsafeMutablePointer<BGZF>?
    private var buffer: [UInt8] = []

    /// `path` and `indexPath` may be staging names; the index records no file name.
    public init(path: String, indexPath: String, contigs: ContigTable, trackLine: String) throws {
        guard let stream = bgzf_open(path, "w") else {
            throw TracksError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.indexPath = indexPath
        self.contigs = contigs
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
        buffer.append(contentsOf: "\(contigs[run.contig].name)\t\(run.start)\t\(run.end)\t\(Self.format(run.value))\n".utf8)
        if buffer.count >= 1 << 16 { try drain() }
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
