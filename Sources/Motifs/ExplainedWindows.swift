import Encoding
import GenomeIO
/// The rows of an `explain` output: one-hot sequence and relevance, both `[count, 4, length]` row-major, and where
/// each row lies. This is all motif discovery needs to know about the run that made them.
public struct ExplainedWindows: Sendable {
    public let count: Int
    public let length: Int
    public let oneHot: [Float]
    public let relevance: [Float]
    /// Hypothetical contributions (`hypothetical.npz`, same layout), when the explain run wrote them: what each base
    /// would contribute at each position. CWMs are then built from them, as TF-MoDISco builds its CWMs.
    public let hypothetical: [Float]?
    /// Where each row lies: genome coordinates (or a sequence name as `contig`), strand and name as in `windows.bed`.
    public let places: [Window]

    public init(length: Int, oneHot: [Float], relevance: [Float], places: [Window], hypothetical: [Float]? = nil) throws {
        let count = places.count
        guard count > 0 else { throw MotifsError("no windows to find motifs in") }
        guard length > 0, oneHot.count == count * 4 * length, relevance.count == oneHot.count else {
            throw MotifsError("the arrays hold \(relevance.count / max(1, 4 * length)) rows of \(length) bases, windows.bed \(count) rows")
        }
        if let hypothetical, hypothetical.count != oneHot.count {
            throw MotifsError("the hypothetical contributions hold \(hypothetical.count / (4 * length)) rows of \(length) bases, the arrays \(count)")
        }
        self.hypothetical = hypothetical
        self.count = count
        self.length = length
        self.oneHot = oneHot
        self.relevance = relevance
        self.places = places
    }

    /// Per-base relevance of row r: the sum over the four channels.
    public func baseScores(row r: Int) -> [Float] {
        BaseSums.of(relevance[(r * 4 * length)..<((r + 1) * 4 * length)], length: length)
    }

    /// The base index (0–3 for A, C, G, T) at column i of row r, or nil where the one-hot column is not a single base.
    public func base(row r: Int, column i: Int) -> Int? {
        let o = r * 4 * length + i
        for c in 0..<4 where oneHot[o + c * length] == 1 { return c }
        return nil
    }
}
