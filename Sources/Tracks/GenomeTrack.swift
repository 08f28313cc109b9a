import GenomeIO

/// One relevance track as the user gets it: windows' per-base values combined by `TrackAggregator`, merged into runs
/// and written at once as a tabix-indexed bedGraph (`NAME.bedGraph.gz` + `.tbi`) and a bigWig (`NAME.bw`), all staged
/// in `folder` so they appear only when the run succeeds.
public final class GenomeTrack {
    private let aggregator: TrackAggregator

    public init(folder: OutputDirectory, name: String, contigs: ContigTable, aggregation: Aggregation,
                trackName: String, description: String) throws {
        let bedGraphPath = folder.stage("\(name).bedGraph.gz")
        let bedGraph = try BedGraphWriter(path: bedGraphPath, indexPath: folder.stage("\(name).bedGraph.gz.tbi"),
                                          contigs: contigs,
                                          trackLine: BedGraphWriter.trackLine(name: trackName, description: description))
        let bigWig = try BigWigWriter(path: folder.stage("\(name).bw"), contigs: contigs)
        aggregator = TrackAggregator(contigs: contigs, mode: aggregation, output: RunMerger([BackgroundSink([bedGraph]), BackgroundSink([bigWig])]))
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

    /// Per-base relevance: the sum over the four channels of each position of a `[4, L]` row.
    public static func baseSums(_ row: ArraySlice<Float>, length: Int) -> [Float] {
        let o = row.startIndex
        return (0..<length).map { i in row[o + i] + row[o + length + i] + row[o + 2 * length + i] + row[o + 3 * length + i] }
    }
}
