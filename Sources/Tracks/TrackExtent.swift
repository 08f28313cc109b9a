import GenomeIO

/// The parts of the genome a track may hold: the requested regions, merged. Windows reach past a region's end (the
/// last window covers it whole) but the track stops there; bases outside every span are left out even where a window
/// covered them. Spans are sorted by contig index and start and never overlap or touch.
public struct TrackExtent: Sendable, Equatable {
    public struct Span: Sendable, Equatable {
        public let contig: Int
        public let start: Int
        public let end: Int

        public init(contig: Int, start: Int, end: Int) {
            self.contig = contig
            self.start = start
            self.end = end
        }
    }

    public let spans: [Span]

    /// `spans` in any order, overlapping or not; empty ones are dropped.
    public init(_ spans: [Span]) {
        var merged: [Span] = []
        for span in spans.filter({ $0.start < $0.end }).sorted(by: { ($0.contig, $0.start) < ($1.contig, $1.start) }) {
            if let last = merged.last, last.contig == span.contig, span.start <= last.end {
                merged[merged.count - 1] = Span(contig: last.contig, start: last.start, end: max(last.end, span.end))
            } else {
                merged.append(span)
            }
        }
        self.spans = merged
    }

    /// The union of `regions` (their contigs must be in `contigs`).
    public init(regions: [GenomicRegion], contigs: ContigTable) throws {
        self.init(try regions.map { region in
            guard let contig = contigs.index(of: region.contig) else {
                throw TracksError("track: contig '\(region.contig)' is not in the sequence index")
            }
            return Span(contig: contig, start: region.start, end: region.end)
        })
    }

    /// Bases the extent holds.
    public var bases: Int { spans.reduce(0) { $0 + $1.end - $1.start } }
}
