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
    /// Windowed relevance sum of the core (positive for both signs: negative seqlets use −relevance).
    public let score: Float
}
