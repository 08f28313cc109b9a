import Encoding
import GenomeIO
import Model
import Motifs

/// How a query on the spot calls and matches seqlets: the matcher (nil: no matching), threads, windows per block.
struct SeqletMatching {
    let matcher: CoreMatcher?
    let threads: Int
    let block: Int
}

/// Receives a query's explained windows in genome order and passes the answer on block by block: the mean over
/// windows per base of the region, and the seqlets of each block of windows, matched. Bases before the first window
/// of the next block are final (no later window or seqlet reaches them), so they are passed on when that window
/// arrives; memory holds one block's per-base scores and base codes and the span its windows cover.
final class RegionSink: ExplanationSink {
    private let region: GenomicRegion
    private let genome: FastaFile
    private let length: Int
    private let receiver: QueryReceiver
    private let matching: SeqletMatching?
    /// Sum and count of window values per base from genome position `origin` (the first base not yet passed on).
    private var origin: Int
    private var sum: [Double] = []
    private var count: [Int32] = []
    /// The block's windows: their starts, per-base scores and base codes (0–3 for A, C, G, T; 4 where the one-hot
    /// column is not a single base), `length` per window.
    private var starts: [Int] = []
    private var scores: [[Float]] = []
    private var codes: [UInt8] = []
    private var letters: [UInt8] = []

    init(region: GenomicRegion, genome: FastaFile, length: Int, receiver: QueryReceiver, seqlets: SeqletMatching?) {
        self.region = region
        self.genome = genome
        self.length = length
        self.receiver = receiver
        matching = seqlets
        origin = region.start
    }

    func write(_ batch: ExplainedBatch) throws {
        let row = 4 * length
        let values = batch.results[0].attribution.relevance.values
        let oneHot = batch.oneHot.values
        for (w, window) in batch.windows.enumerated() {
            if let matching, starts.count == matching.block {
                try closeBlock()
                try pass(upTo: window.start)
            } else if matching == nil {
                try pass(upTo: window.start)
            }
            let sums = BaseSums.of(values[(w * row)..<((w + 1) * row)], length: length)
            add(start: window.start, sums)
            guard matching != nil else { continue }
            scores.append(sums)
            starts.append(window.start)
            for i in 0..<length {
                var code: UInt8 = 4
                for c in 0..<4 where oneHot[w * row + c * length + i] == 1 { code = UInt8(c); break }
                codes.append(code)
            }
        }
    }

    func finish() throws {
        try closeBlock()
        try pass(upTo: region.end)
    }

    /// The window's per-base values into the sums, for the bases it covers inside the region.
    private func add(start: Int, _ values: [Float]) {
        let from = max(start, region.start), to = min(start + length, region.end)
        guard from < to else { return }
        if to - origin > sum.count {
            let grow = to - origin - sum.count
            sum.append(contentsOf: repeatElement(0, count: grow))
            count.append(contentsOf: repeatElement(0, count: grow))
        }
        for p in from..<to {
            sum[p - origin] += Double(values[p - start])
            count[p - origin] += 1
        }
    }

    /// Passes on the region's bases before `limit`: their letters and the mean of the windows covering them.
    private func pass(upTo limit: Int) throws {
        let end = min(limit, region.end)
        guard end > origin else { return }
        let n = end - origin
        try genome.fetch(contig: region.contig, start: origin, end: end, into: &letters)
        let relevance = (0..<n).map { i -> Float in
            i < sum.count && count[i] > 0 ? Float(sum[i] / Double(count[i])) : 0
        }
        try receiver.bases(from: origin, letters: letters[...], relevance: relevance[...])
        let dropped = min(n, sum.count)
        sum.removeFirst(dropped)
        count.removeFirst(dropped)
        origin = end
    }

    /// Seqlets of the block's windows whose core overlaps the region, matched, passed on; the block emptied.
    private func closeBlock() throws {
        guard let matching, !starts.isEmpty else { return }
        let called = SeqletCaller().call(scores: scores, length: length).seqlets.filter { seqlet in
            let start = starts[seqlet.row]
            return start + seqlet.coreStart < region.end && start + seqlet.coreEnd > region.start
        }
        var matches = [String](repeating: "", count: called.count)
        if let matcher = matching.matcher {
            // Overlapping windows see the same site: each distinct core is matched once.
            var distinct: [ArraySlice<UInt8>] = [], slot: [ArraySlice<UInt8>: Int] = [:]
            let which = called.map { seqlet -> Int in
                let first = seqlet.row * length
                let core = codes[(first + seqlet.coreStart)..<(first + seqlet.coreEnd)]
                if let known = slot[core] { return known }
                slot[core] = distinct.count
                distinct.append(core)
                return distinct.count - 1
            }
            func match(_ core: ArraySlice<UInt8>) -> String {
                guard let best = matcher.best(codes: core), best.qValue < 0.05 else { return "" }
                let motif = matcher.comparison.database[best.target]
                return "\(motif.id) \(motif.name)"
            }
            let found = Compute(threads: matching.threads).mapChunks(of: distinct.count, chunk: 64) { range in range.map { match(distinct[$0]) } }
                .flatMap { $0 }
            matches = which.map { found[$0] }
        }
        try receiver.seqlets(zip(called, matches).map { seqlet, match in
            let start = starts[seqlet.row]
            return QuerySeqlet(start: start + seqlet.start, end: start + seqlet.end, coreStart: start + seqlet.coreStart,
                               coreEnd: start + seqlet.coreEnd, name: seqlet.sign.rawValue, match: match)
        })
        starts.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        codes.removeAll(keepingCapacity: true)
    }
}
