/// A contiguous span of significant relevance in one row: the core found by the caller, with flanks around it.
public struct Seqlet: Sendable, Equatable {
    public enum Sign: String, Sendable { case positive = "pos", negative = "neg" }

    public let row: Int
    /// Columns of the core, `[coreStart, coreEnd)`.
    public let coreStart: Int
    public let coreEnd: Int
    /// Columns with flanks, clipped to the row, `[start, end)`.
    public let start: Int
    public let end: Int
    public let sign: Sign
    /// Windowed relevance sum of the core (positive for both signs: negative seqlets use −relevance); for a site
    /// called in several overlapping windows, the mean over them (see `SeqletMerging`).
    public var score: Float
    /// Overlapping windows this site was called in (1 unless `SeqletMerging` joined several into this one).
    public var windows = 1

    public init(row: Int, coreStart: Int, coreEnd: Int, start: Int, end: Int, sign: Sign, score: Float, windows: Int = 1) {
        self.row = row
        self.coreStart = coreStart
        self.coreEnd = coreEnd
        self.start = start
        self.end = end
        self.sign = sign
        self.score = score
        self.windows = windows
    }
}
