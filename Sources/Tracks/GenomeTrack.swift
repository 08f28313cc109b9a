import Encoding
import GenomeIO

/// One relevance track as the user gets it: windows' per-base values combined by `TrackAggregator`, merged into runs
/// (zeros kept, so every covered base has a value), clipped to `extent` (the requested regions), and written at once
/// as a tabix-indexed bedGraph (`NAME.bedGraph.gz` + `.tbi`) and a bigWig (`NAME.bw`), each on its own background
/// thread, all staged in `folder` so they appear only when the run succeeds.
public final class GenomeTrack {
    private let aggregator: TrackAggregator

    public convenience init(folder: OutputDirectory, name: String, contigs: ContigTable, aggregation: Aggregation,
                            extent: TrackExtent?, trackName: String, description: String) throws {
        try self.init(folder: folder, name: name, contigs: contigs, aggregation: aggregation, extent: extent,
                      trackLine: BedGraphWriter.trackLine(name: trackName, description: description))
    }

    /// A track whose bedGraph starts with `trackLine` as given (as when shards are merged). `extent` nil: only contig
    /// ends clip.
    public init(folder: OutputDirectory, name: String, contigs: ContigTable, aggregation: Aggregation, extent: TrackExtent?,
                trackLine: String) throws {
        aggregator = TrackAggregator(contigs: contigs, mode: aggregation, extent: extent,
                                     output: try Self.files(folder: folder, name: name, contigs: contigs, trackLine: trackLine))
    }

    /// The files of a track named `name` (bedGraph with its index, bigWig), staged in `folder`, behind the run merger
    /// that feeds them: for callers that have the track's runs already (shard tracks joined).
    public static func files(folder: OutputDirectory, name: String, contigs: ContigTable, trackLine: String) throws -> RunMerger {
        let bedGraph = try BedGraphWriter(path: folder.stage("\(name).bedGraph.gz"), indexPath: folder.stage("\(name).bedGraph.gz.tbi"),
                                          contigs: contigs, trackLine: trackLine)
        let bigWig = try BigWigWriter(path: folder.stage("\(name).bw"), contigs: contigs)
        return RunMerger([BackgroundSink(bedGraph), BackgroundSink(bigWig)], keepsZeros: true)
    }

    /// Adds a genome window's per-base values (`values[i]` at `start + i`).
    public func add(_ window: Window, values: ArraySlice<Float>) throws {
        try aggregator.add(contig: window.contig, start: window.start, end: window.end, values: values)
    }

    /// Adds a read's values placed on the reference (`placement.positions[i]` for `values[i]`, −1 for none).
    public func add(_ window: Window, placement: ReadPlacement, values: ArraySlice<Float>) throws {
        try aggregator.add(contig: window.contig, start: placement.start, end: window.end,
                           positions: placement.positions, values: values)
    }

    public func finish() throws { try aggregator.finish() }

    /// A window whose relevance rows are in an `attr.npz`: `rows` consecutive rows from `firstRow`, one per track.
    public struct StoredWindow: Sendable {
        public let contig: Int
        public let start: Int
        public let end: Int
        public let firstRow: Int

        public init(contig: Int, start: Int, end: Int, firstRow: Int) {
            self.contig = contig
            self.start = start
            self.end = end
            self.firstRow = firstRow
        }
    }

    /// Feeds `tracks` (track t takes row `firstRow + t`) from stored rows in genome order — sorted by contig, start
    /// and row, the order a streamed run adds them in — and finishes them. Gives the same track as streaming did.
    public static func build(_ tracks: [GenomeTrack], from rows: NPZReader.Rows, windows: [StoredWindow],
                             contigs: ContigTable) throws {
        let length = rows.shape.last ?? 0
        for window in windows.sorted(by: { ($0.contig, $0.start, $0.firstRow) < ($1.contig, $1.start, $1.firstRow) }) {
            let place = Window(contig: contigs[window.contig].name, start: window.start, end: window.end)
            for (t, track) in tracks.enumerated() {
                try track.add(place, values: BaseSums.of(try rows.row(window.firstRow + t)[...], length: length)[...])
            }
        }
        for track in tracks { try track.finish() }
    }
}
