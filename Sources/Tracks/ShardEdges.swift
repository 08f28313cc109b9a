import Foundation
import GenomeIO

/// The windows at the two ends of a shard of a streamed run (windows in genome order, all `windowLength` bases):
/// its first windows, those starting less than one window length after its first window on that contig, and its last
/// ones, those reaching past its last window's start on that contig. A base that windows of two shards cover is
/// covered only by such windows (the earlier shard's last ones and the later shard's first ones), so a merge takes
/// every other base from the shard's own track and recomputes these from the edges alone, with the values they gave.
///
/// Written as `edges.tsv` (one line per window: contig, start, end as the window reaches, the first row in
/// `edges.npz`) and `edges.npz` (`[rows, windowLength]`: per track, the window's per-base values the track was given).
public final class ShardEdgeWriter {
    public static let tableName = "edges.tsv"
    public static let valuesName = "edges.npz"

    private let windowLength: Int
    private let tracks: Int
    private let table: TextFile
    private let values: NPZWriter
    private var first: Window?
    private var written = 0
    /// The last windows seen on the current contig that reach past the newest one's start, and whether each is
    /// already written as a first window.
    private var tail: [(window: Window, values: [[Float]], written: Bool)] = []

    public init(folder: OutputDirectory, windowLength: Int, tracks: Int) throws {
        self.windowLength = windowLength
        self.tracks = tracks
        table = try TextFile(path: folder.stage(Self.tableName))
        try table.write("#contig\tstart\tend\tfirst_row\n")
        values = try NPZWriter(path: folder.stage(Self.valuesName), rowShape: [windowLength])
    }

    /// The next window in genome order, with the per-base values it gave each track.
    public func add(_ window: Window, values perTrack: [ArraySlice<Float>]) throws {
        precondition(perTrack.count == tracks && perTrack.allSatisfy { $0.count == windowLength })
        let start = first ?? window
        first = start
        let isFirst = window.contig == start.contig && window.start < start.start + windowLength
        let copies = perTrack.map { Array($0) }
        if isFirst { try write(window, copies) }
        if tail.last?.window.contig != window.contig { tail.removeAll() }
        tail.removeAll { $0.window.start + windowLength <= window.start }
        tail.append((window, copies, isFirst))
    }

    public func finish() throws {
        for entry in tail where !entry.written { try write(entry.window, entry.values) }
        try table.close()
        try values.finish()
    }

    private func write(_ window: Window, _ perTrack: [[Float]]) throws {
        try table.write("\(window.contig)\t\(window.start)\t\(window.end)\t\(written)\n")
        for track in perTrack { try values.append(track) }
        written += tracks
    }
}

/// A shard's edge windows read back: each window with its per-track values.
public struct ShardEdges {
    public struct Edge {
        public let window: Window
        /// Per track, the window's per-base values.
        public let values: [[Float]]
    }

    public let edges: [Edge]

    /// Reads `edges.tsv` and `edges.npz` of `folder`, for `tracks` tracks.
    public init(folder: String, tracks: Int) throws {
        let tablePath = PathName.join(folder, ShardEdgeWriter.tableName)
        guard let text = try? String(contentsOfFile: tablePath, encoding: .utf8) else {
            throw TracksError("cannot read '\(tablePath)': not a shard of a streamed run made by this plrp version")
        }
        let rows = try NPZReader.Rows(path: PathName.join(folder, ShardEdgeWriter.valuesName))
        var edges: [Edge] = []
        for (index, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 4, let start = Int(fields[1]), let end = Int(fields[2]), let row = Int(fields[3]),
                  row + tracks <= rows.count else {
                throw TracksError("\(tablePath):\(index + 1): not an edge window (contig, start, end, first row)")
            }
            edges.append(Edge(window: Window(contig: String(fields[0]), start: start, end: end),
                              values: try (row..<(row + tracks)).map { try rows.row($0) }))
        }
        self.edges = edges
    }
}
