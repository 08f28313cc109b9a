import Encoding
import Explain
import GenomeIO
import Model
import Motifs

/// One explained batch of windows, as an explain job hands it to its sink.
public struct ExplainedBatch: @unchecked Sendable {
    /// The windows, in input order.
    public let windows: [Window]
    /// Their one-hot encoding, `[N, 4, L]`.
    public let oneHot: Tensor
    /// For read input: where each window's columns land on the reference (empty for genome windows and records).
    public let placements: [ReadPlacement]
    /// Per explained target (by name; nil: each window's top output), its attribution of the batch.
    public let results: [(target: String?, attribution: Attribution)]
    /// The job's index of `windows[0]` (0 for the first batch; shards count from 0 too).
    public let firstWindow: Int

    public var count: Int { windows.count }
    public var length: Int { oneHot.shape[2] }
}

/// Where an explain job's results go, batch after batch in input order: files in an output folder (`ExplainOutputs`),
/// memory (`ExplanationCollector`), or a consumer of one's own. `write` is called from one thread at a time, not
/// necessarily the caller's (writing overlaps explaining the next batch); `finish` once at the end, after the last
/// `write` returned.
public protocol ExplanationSink: AnyObject {
    func write(_ batch: ExplainedBatch) throws
    func finish() throws
}

/// Keeps every explained window in memory: the arrays `plrp explain` writes to ohe.npz and attr.npz (and
/// hypothetical.npz), row for row and value for value, with the rows of windows.bed. With several targets a window
/// appears once per target, window-major, its name suffixed with `|TARGET`, as in the files.
public final class ExplanationCollector: ExplanationSink {
    public private(set) var length = 0
    /// `[rows, 4, L]` row-major.
    public private(set) var oneHot: [Float] = []
    public private(set) var relevance: [Float] = []
    public private(set) var hypothetical: [Float] = []
    /// Each row's window and place (as in windows.bed).
    public private(set) var windows: [Window] = []
    public private(set) var places: [Window] = []
    private let sequences: SequenceInput

    public init(sequences: SequenceInput) { self.sequences = sequences }

    public var rows: Int { places.count }

    public func write(_ batch: ExplainedBatch) throws {
        length = batch.length
        let row = 4 * length
        let suffixed = batch.results.count > 1
        for (w, window) in batch.windows.enumerated() {
            for result in batch.results {
                oneHot += batch.oneHot.values[(w * row)..<((w + 1) * row)]
                relevance += result.attribution.relevance.values[(w * row)..<((w + 1) * row)]
                if let h = result.attribution.hypothetical { hypothetical += h.values[(w * row)..<((w + 1) * row)] }
                windows.append(window)
                places.append(sequences.place(of: window, nameSuffix: suffixed ? result.target : nil))
            }
        }
    }

    public func finish() throws {}

    /// Per-base relevance of row r: the sum over the four channels.
    public func baseScores(row r: Int) -> [Float] {
        BaseSums.of(relevance[(r * 4 * length)..<((r + 1) * 4 * length)], length: length)
    }

    /// The rows as motif discovery takes them.
    public func explainedWindows() throws -> ExplainedWindows {
        try ExplainedWindows(length: length, oneHot: oneHot, relevance: relevance, places: places)
    }
}
