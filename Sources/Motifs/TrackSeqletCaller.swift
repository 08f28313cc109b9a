/// Seqlets of a per-base genome track (the aggregated relevance of an explain run: one value per base, so each site
/// once), called in memory bounded by one block of rows and the seqlets kept, not by the genome.
///
/// Each stretch (a contig, or a region) is cut into rows of `rowLength` bases starting every `rowLength − overlap`
/// bases, `overlap` = window + 2·flank, the last row padded with zeros; a row owns the cores starting in its first
/// `rowLength − overlap` bases (the last row, the rest of the stretch), so a site whose core lies in two rows is taken
/// once. Rows are called `blockRows` at a time with `SeqletCaller.call(scores:length:)`, whose permutation null and
/// Benjamini–Hochberg step pool the block (about 1 Mb at the defaults) rather than the genome; rows without a
/// non-zero value are left out of the block (their sums are 0, never significant, and would only dilute the null).
/// Of each sign the `keep` strongest seqlets are kept, with the track's values over their span (core and flanks);
/// every seqlet called is counted. Cores of one sign that still overlap across a row boundary are joined (the
/// stronger kept) once the calling is done.
public struct TrackSeqletCaller: Sendable {
    public var caller = SeqletCaller()
    public var rowLength = 2000
    public var blockRows = 512
    /// Strongest seqlets kept per sign.
    public var keep = 5000

    public init() {}

    /// Bases consecutive rows share.
    public var overlap: Int { caller.window + 2 * caller.flank }
    /// Bases of a kept seqlet's span: core and both flanks.
    public var span: Int { caller.window + 2 * caller.flank }

    /// Bases `[start, end)` of a contig `contigLength` long to call seqlets in.
    public struct Stretch: Sendable, Equatable {
        public let contig: String
        public let start: Int
        public let end: Int
        public let contigLength: Int
        public init(contig: String, start: Int, end: Int, contigLength: Int) {
            (self.contig, self.start, self.end, self.contigLength) = (contig, start, end, contigLength)
        }
    }

    /// A kept seqlet in genome coordinates, with the track's values over `[spanStart, spanStart + span)`.
    public struct Site: Sendable, Equatable {
        public let contig: String
        public let coreStart: Int
        public let coreEnd: Int
        public let sign: Seqlet.Sign
        public let score: Float
        public let spanStart: Int
        public let values: [Float]
    }

    public struct Result: Sendable {
        /// Kept seqlets, in stretch order then by position.
        public let sites: [Site]
        /// Seqlets called (each site once), before keeping the strongest.
        public let called: [Seqlet.Sign: Int]
        /// Kept seqlets joined into an overlapping stronger one across a row boundary.
        public let joined: Int
        /// Blocks of rows called, and the lowest and highest threshold of each sign over them.
        public let blocks: Int
        public let thresholds: [Seqlet.Sign: ClosedRange<Float>]
    }

    /// Calls seqlets over `stretches` in order; `read(contig, start, end, &buffer)` replaces the buffer with the
    /// track's values of those bases (0 where it has none) and says whether any base had one.
    public func call(_ stretches: [Stretch], read: (String, Int, Int, inout [Float]) throws -> Bool) throws -> Result {
        precondition(rowLength > overlap && blockRows > 0 && keep > 0)
        let step = rowLength - overlap, flank = caller.flank, window = caller.window
        var kept: [Seqlet.Sign: [(order: Int, site: Site)]] = [.positive: [], .negative: []]
        var called: [Seqlet.Sign: Int] = [.positive: 0, .negative: 0]
        var thresholds: [Seqlet.Sign: ClosedRange<Float>] = [:]
        var blocks = 0
        var buffer: [Float] = []
        var rows: [[Float]] = []
        var rowStarts: [Int] = []
        for (stretchIndex, stretch) in stretches.enumerated() where stretch.end > stretch.start {
            var next = stretch.start
            var lastRow = false
            while !lastRow {
                // One block: rows from `next`, values read with a flank's margin for the kept spans.
                let first = next
                var starts: [Int] = []
                while starts.count < blockRows, !lastRow {
                    starts.append(next)
                    if next + rowLength >= stretch.end { lastRow = true } else { next += step }
                }
                let readStart = max(0, first - flank - window)
                let readEnd = min(stretch.contigLength, min(starts.last! + rowLength, stretch.end) + flank + window)
                guard try read(stretch.contig, readStart, readEnd, &buffer) else { continue }
                rows.removeAll(keepingCapacity: true)
                rowStarts.removeAll(keepingCapacity: true)
                for s in starts {
                    var row = [Float](repeating: 0, count: rowLength)
                    var any = false
                    for i in 0..<min(rowLength, stretch.end - s) {
                        let v = buffer[s + i - readStart]
                        row[i] = v
                        if v != 0 { any = true }
                    }
                    if any { rows.append(row); rowStarts.append(s) }
                }
                guard !rows.isEmpty else { continue }
                blocks += 1
                let result = caller.call(scores: rows, length: rowLength)
                for (sign, t) in result.thresholds where t.isFinite {
                    thresholds[sign] = thresholds[sign].map { min($0.lowerBound, t)...max($0.upperBound, t) } ?? t...t
                }
                for seqlet in result.seqlets {
                    let rowStart = rowStarts[seqlet.row]
                    let core = rowStart + seqlet.coreStart
                    let owned = rowStart + seqlet.coreStart < (rowStart + rowLength >= stretch.end ? stretch.end : rowStart + step)
                    guard owned, core + window <= stretch.end else { continue }
                    called[seqlet.sign, default: 0] += 1
                    let spanStart = max(0, min(stretch.contigLength - span, core - flank))
                    let values = (spanStart..<(spanStart + span)).map { p -> Float in
                        p >= readStart && p < readEnd ? buffer[p - readStart] : 0
                    }
                    let site = Site(contig: stretch.contig, coreStart: core, coreEnd: core + window, sign: seqlet.sign,
                                    score: seqlet.score, spanStart: spanStart, values: values)
                    kept[seqlet.sign, default: []].append((stretchIndex, site))
                    if kept[seqlet.sign]!.count >= 2 * keep { kept[seqlet.sign] = strongest(kept[seqlet.sign]!) }
                }
            }
        }
        var sites: [(order: Int, site: Site)] = []
        var joined = 0
        for sign in [Seqlet.Sign.positive, .negative] {
            let ofSign = strongest(kept[sign]!).sorted { ($0.order, $0.site.coreStart) < ($1.order, $1.site.coreStart) }
            var taken: [(order: Int, site: Site)] = []
            for entry in ofSign {
                if let last = taken.last, last.order == entry.order, last.site.coreEnd > entry.site.coreStart {
                    joined += 1
                    if entry.site.score > last.site.score { taken[taken.count - 1] = entry }
                } else {
                    taken.append(entry)
                }
            }
            sites += taken
        }
        sites.sort { ($0.order, $0.site.coreStart, $0.site.sign == .positive ? 0 : 1) < ($1.order, $1.site.coreStart, $1.site.sign == .positive ? 0 : 1) }
        return Result(sites: sites.map(\.site), called: called, joined: joined, blocks: blocks, thresholds: thresholds)
    }

    /// The `keep` highest-scoring entries (ties by position, so the choice does not depend on arrival order).
    private func strongest(_ entries: [(order: Int, site: Site)]) -> [(order: Int, site: Site)] {
        Array(entries.sorted {
            $0.site.score != $1.site.score ? $0.site.score > $1.site.score : ($0.order, $0.site.coreStart) < ($1.order, $1.site.coreStart)
        }.prefix(keep))
    }
}
