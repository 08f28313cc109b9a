import GenomeIO

/// Where a query's answer goes as it is found, in genome order, so that a region of any length is answered in the
/// memory of a block of windows: `begin` once, then seqlets and bases interleaved — every seqlet before any base its
/// core covers — then `finish`. `QueryWriter` prints; `QueryCollector` keeps the whole answer.
public protocol QueryReceiver: AnyObject {
    /// The region, where the answer comes from, and the stretches of it no window covered (sorted, disjoint).
    func begin(region: GenomicRegion, source: String, uncovered: [Range<Int>]) throws
    /// Seqlets whose core overlaps the region, in the answer's order.
    func seqlets(_ found: [QuerySeqlet]) throws
    /// The region's next bases from genome position `start`: their letters and relevance (0 where uncovered).
    func bases(from start: Int, letters: ArraySlice<UInt8>, relevance: ArraySlice<Float>) throws
    func finish() throws
}

/// Keeps a whole answer in memory (short regions, checks, callers of the library).
public final class QueryCollector: QueryReceiver {
    public private(set) var answer: QueryAnswer?
    private var region = GenomicRegion(contig: "", start: 0, end: 0)
    private var source = ""
    private var uncovered: [Range<Int>] = []
    private var found: [QuerySeqlet] = []
    private var letters: [UInt8] = []
    private var relevance: [Float] = []

    public init() {}

    public func begin(region: GenomicRegion, source: String, uncovered: [Range<Int>]) {
        (self.region, self.source, self.uncovered) = (region, source, uncovered)
        letters.reserveCapacity(region.length)
        relevance.reserveCapacity(region.length)
    }

    public func seqlets(_ more: [QuerySeqlet]) { found += more }

    public func bases(from start: Int, letters more: ArraySlice<UInt8>, relevance values: ArraySlice<Float>) {
        letters += more
        relevance += values
    }

    public func finish() {
        answer = QueryAnswer(region: region, bases: letters, source: source, relevance: relevance, uncovered: uncovered, seqlets: found)
    }
}
