import GenomeIO

/// The runs of a bigWig as plrp writes it (one interval per run, contigs in header order, which is the FASTA
/// index's), one at a time in genome order, read a span of bases at a time so that a whole genome's track streams
/// through in bounded memory. A run crossing a span boundary comes as two adjacent pieces of one value.
public final class BigWigRuns {
    public let path: String
    private let reader: BigWigReader
    private let contigs: ContigTable
    private let order: [(name: String, length: Int)]
    private var contig = 0
    private var spanStart = 0
    private var pending: [TrackRun] = []
    private var index = 0
    private let spanLength: Int

    /// Opens `path`; runs are numbered by their contig's index in `contigs`. `spanLength` bases are read at a time.
    public init(path: String, contigs: ContigTable, spanLength: Int = 1 << 16) throws {
        precondition(spanLength > 0)
        self.path = path
        self.spanLength = spanLength
        reader = try BigWigReader(path: path)
        self.contigs = contigs
        order = reader.contigs
    }

    /// The next run, or nil after the last.
    public func next() throws -> TrackRun? {
        while index == pending.count {
            guard contig < order.count else { return nil }
            let (name, length) = order[contig]
            guard spanStart < length else {
                (contig, spanStart) = (contig + 1, 0)
                continue
            }
            let start = spanStart, end = min(length, start + spanLength)
            spanStart = end
            let found = reader.intervals(contig: name, start: start, end: end)
            guard !found.isEmpty else { continue }
            guard let number = contigs.index(of: name) else {
                throw TracksError("'\(path)': contig '\(name)' is not in the tracks' index")
            }
            pending = found.map { TrackRun(contig: number, start: max($0.start, start), end: min($0.end, end), value: $0.value) }
            index = 0
        }
        defer { index += 1 }
        return pending[index]
    }

    /// The bases the track covers, as spans (adjacent runs joined): all of them, streamed, or those inside `within`.
    public static func coverage(of path: String, contigs: ContigTable, within: TrackExtent? = nil) throws -> [TrackExtent.Span] {
        var spans: [TrackExtent.Span] = []
        var open: TrackExtent.Span?
        func add(_ contig: Int, _ start: Int, _ end: Int) {
            if let span = open, span.contig == contig, span.end == start {
                open = TrackExtent.Span(contig: contig, start: span.start, end: end)
            } else {
                if let span = open { spans.append(span) }
                open = TrackExtent.Span(contig: contig, start: start, end: end)
            }
        }
        if let within {
            let reader = try BigWigReader(path: path)
            for span in within.spans {
                for found in reader.intervals(contig: contigs[span.contig].name, start: span.start, end: span.end) {
                    add(span.contig, max(found.start, span.start), min(found.end, span.end))
                }
            }
        } else {
            let runs = try BigWigRuns(path: path, contigs: contigs)
            while let run = try runs.next() { add(run.contig, run.start, run.end) }
        }
        if let span = open { spans.append(span) }
        return spans
    }
}
