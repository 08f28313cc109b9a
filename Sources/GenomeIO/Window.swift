/// One model input: `length` bases from `start` on a contig. Bases past the contig end are N.
public struct Window: Sendable, Equatable {
    public let contig: String
    public let start: Int
    /// `start + length`; may run past the contig end (those bases are N-padded).
    public let end: Int
    public let strand: Strand
    /// A name for outputs: the read name for BAM windows, the record name for `--sequences`, else nil.
    public let name: String?

    public init(contig: String, start: Int, end: Int, strand: Strand = .forward, name: String? = nil) {
        self.contig = contig
        self.start = start
        self.end = end
        self.strand = strand
        self.name = name
    }

    /// The window's end clipped to the contig, as written in BED files.
    public func clippedEnd(contigLength: Int) -> Int { min(end, contigLength) }

    /// `chrom:start-end(strand)`, 0-based half-open, the window's identifier in every per-window output.
    public func identifier(contigLength: Int) -> String {
        "\(contig):\(start)-\(clippedEnd(contigLength: contigLength))(\(strand.symbol))"
    }

    /// The window's name, or its identifier when it has none.
    public var label: String { name ?? zeroBased }

    /// `chrom:start-end(strand)` with the end as given (unclipped).
    private var zeroBased: String { "\(contig):\(start)-\(end)(\(strand.symbol))" }

    /// The name for people to read and paste (reports, tables): a name that begins with the window's 0-based
    /// identifier shows it as a 1-based samtools region instead (`chr2R:1000000-1000300(+)|out` →
    /// `chr2R:1000001-1000300(+)|out`); read and record names are kept.
    public var displayName: String {
        let zeroBased = self.zeroBased
        guard label.hasPrefix(zeroBased) else { return label }
        return GenomicRegion(contig: contig, start: start, end: end).description + "(\(strand.symbol))" + label.dropFirst(zeroBased.count)
    }
}

public enum Strand: Sendable, Equatable {
    case forward, reverse, unknown

    /// The strand of a BED strand column: "+", "-" or ".".
    public init?(symbol: Character) {
        switch symbol {
        case "+": self = .forward
        case "-": self = .reverse
        case ".": self = .unknown
        default: return nil
        }
    }

    public var symbol: Character {
        switch self {
        case .forward: "+"
        case .reverse: "-"
        case .unknown: "."
        }
    }
}

/// What happens where a region ends part-way into a window.
public enum EdgePolicy: String, Sendable, CaseIterable {
    /// Windows continue until every base of the region is covered; the last window reads on past the region end,
    /// and bases past the contig end are N.
    case pad
    /// Only windows that lie wholly inside the region; the region's last bases may stay uncovered.
    case skip
}

/// Windows of `length` bases every `step` bases over a region. Deterministic: depends only on the region.
public struct WindowPlan: Sendable, Equatable {
    public let length: Int
    public let step: Int
    public let edges: EdgePolicy

    public init(length: Int, step: Int, edges: EdgePolicy = .pad) throws {
        guard length > 0 else { throw GenomeIOError.usage("--window must be a positive number of bases, got \(length)") }
        guard step > 0 else { throw GenomeIOError.usage("--step must be a positive number of bases, got \(step)") }
        self.length = length
        self.step = step
        self.edges = edges
    }

    /// Number of windows over a region.
    public func count(over region: GenomicRegion) -> Int {
        let span = region.length
        guard span > 0 else { return 0 }
        switch edges {
        case .skip:
            return span >= length ? 1 + (span - length) / step : 0
        case .pad:
            if span <= length { return 1 }
            let toCover = 1 + (span - length + step - 1) / step
            let startsInside = (span + step - 1) / step
            return min(toCover, startsInside)
        }
    }

    /// The i-th window over a region, `0 <= i < count(over: region)`.
    public func window(_ i: Int, over region: GenomicRegion) -> Window {
        let start = region.start + i * step
        return Window(contig: region.contig, start: start, end: start + length)
    }
}
