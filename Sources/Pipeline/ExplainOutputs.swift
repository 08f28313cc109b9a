import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Tracks

/// Everything `plrp explain` writes per window, staged in its output folder: ohe.npz and attr.npz (and
/// hypothetical.npz, references.npz when asked for), windows.bed, the genome tracks and, for reads, reads.bed.
public final class ExplainOutputs: ExplanationSink {
    /// Where track values come from: streamed as windows are explained, or — when windows arrive out of genome order —
    /// read back from attr.npz in sorted order once it is complete.
    public enum TrackFeed: Sendable { case none, streamed, sortedAfterwards }

    private let sequences: SequenceInput
    private let length: Int
    /// ohe.npz (unless the job writes no arrays) and attr.npz (all arrays only).
    private let oneHot: NPZWriter?
    private let attributions: NPZWriter?
    private let attributionsPath: String
    private var written = 0
    /// hypothetical.npz and references.npz, when asked for.
    private let hypothetical: NPZWriter?
    private let references: NPZWriter?
    private let bed: TextFile
    private let reads: TextFile?
    private let tracks: [GenomeTrack]
    public let feed: TrackFeed
    /// For `sortedAfterwards`: each window's contig index, start, end and first row.
    private var placed: [GenomeTrack.StoredWindow] = []
    /// A shard's edge windows, for the merge to join its tracks with its neighbours' (streamed tracks only).
    private let edges: ShardEdgeWriter?
    private var windowValues: [ArraySlice<Float>] = []

    /// - Parameter references: references per window to write (`references.npz`, `[N, R, 4, L]`), or nil.
    public init(folder: OutputDirectory, sequences: SequenceInput, length: Int, tracks: [GenomeTrack],
                feed: TrackFeed, perRead: Bool, arrays: ArrayOutput = .all, edges: Bool = false, hypothetical: Bool = false,
                references: Int? = nil) throws {
        precondition(arrays == .all || feed != .sortedAfterwards, "tracks sorted afterwards are read back from attr.npz")
        precondition(arrays != .hypothetical || hypothetical, "hypothetical arrays need the hypothetical contributions")
        self.sequences = sequences
        self.length = length
        oneHot = arrays != .none ? try NPZWriter(path: folder.stage("ohe.npz"), rowShape: [4, length]) : nil
        attributionsPath = arrays == .all ? folder.stage("attr.npz") : ""
        attributions = arrays == .all ? try NPZWriter(path: attributionsPath, rowShape: [4, length]) : nil
        self.hypothetical = hypothetical ? try NPZWriter(path: folder.stage("hypothetical.npz"), rowShape: [4, length]) : nil
        self.references = try references.map { try NPZWriter(path: folder.stage("references.npz"), rowShape: [$0, 4, length]) }
        bed = try TextFile(path: folder.stage("windows.bed"))
        reads = perRead ? try TextFile(path: folder.stage("reads.bed")) : nil
        try reads?.write("#chrom\tstart\tend\tname\tscore\tstrand\trelevance\n")
        self.tracks = tracks
        self.feed = feed
        self.edges = edges && feed == .streamed && !tracks.isEmpty
            ? try ShardEdgeWriter(folder: folder, windowLength: length, tracks: tracks.count) : nil
    }

    /// Rows explained so far (those of attr.npz when it is written).
    public var rows: Int { written }

    public func write(_ batch: ExplainedBatch) throws {
        let row = 4 * length
        let results = batch.results, windows = batch.windows, placements = batch.placements
        let suffixed = results.count > 1
        if !suffixed {
            try oneHot?.append(batch.oneHot.values)
            try attributions?.append(results[0].attribution.relevance.values)
            if let h = results[0].attribution.hypothetical { try hypothetical?.append(h.values) }
            if let r = results[0].attribution.references { try references?.append(r.values) }
            written += windows.count
        }
        for (w, window) in windows.enumerated() {
            if feed == .sortedAfterwards {
                placed.append(.init(contig: sequences.contigs.index(of: window.contig)!, start: window.start, end: window.end,
                                    firstRow: written + (suffixed ? 0 : w - windows.count)))
            }
            for (t, result) in results.enumerated() {
                let values = result.attribution.relevance.values[(w * row)..<((w + 1) * row)]
                let suffix = suffixed ? result.target : nil
                if suffixed {
                    try oneHot?.append(Array(batch.oneHot.values[(w * row)..<((w + 1) * row)]))
                    try attributions?.append(Array(values))
                    written += 1
                    if let h = result.attribution.hypothetical { try hypothetical?.append(Array(h.values[(w * row)..<((w + 1) * row)])) }
                    if let r = result.attribution.references {
                        let size = r.rowLength
                        try references?.append(Array(r.values[(w * size)..<((w + 1) * size)]))
                    }
                }
                try bed.write(sequences.bedLine(for: window, nameSuffix: suffix))
                if let reads {
                    let total = values.reduce(0, +)
                    try reads.write(sequences.bedLine(for: window, nameSuffix: suffix).dropLast() + "\t\(total)\n")
                }
                if feed == .streamed {
                    let sums = BaseSums.of(values, length: length)
                    if placements.isEmpty {
                        try tracks[t].add(window, values: sums[...])
                    } else {
                        try tracks[t].add(window, placement: placements[w], values: sums[...])
                    }
                    if edges != nil { windowValues.append(sums[...]) }
                }
            }
            if let edges {
                try edges.add(window, values: windowValues)
                windowValues.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Completes every file; sorted-afterwards tracks are made here from the finished attr.npz.
    public func finish() throws {
        try oneHot?.finish()
        try attributions?.finish()
        try hypothetical?.finish()
        try references?.finish()
        try bed.close()
        try reads?.close()
        try edges?.finish()
        if feed == .sortedAfterwards {
            try GenomeTrack.build(tracks, from: try NPZReader.Rows(path: attributionsPath), windows: placed, contigs: sequences.contigs)
        } else {
            for track in tracks { try track.finish() }
        }
    }
}
