import Foundation
import Model

/// Calls seqlets with a windowed-FDR test whose null comes from the data itself.
///
/// For each row and sign, the per-base relevance (channel sums; negated for negative seqlets) is summed over sliding
/// windows of `window` bases. The null is the same windowed sums after shuffling each row's per-base values (a seeded
/// permutation within the row): it keeps every row's relevance values and loses only where they sit, so relevance
/// gathered on a stretch of bases stands out while the same values scattered do not — and a row whose relevance is
/// all weak makes a weak null for itself only. Each observed sum gets a p-value against the pooled null (empirical,
/// with an exponential tail fitted beyond the null's top 1%; see `NullTail`), and the Benjamini–Hochberg step-up over all positive sums sets the smallest significant sum at false-discovery
/// rate `fdr`. Seqlets are then taken greedily per row: the highest significant window becomes a core, windows whose
/// cores would overlap it are dropped, and so on; each core gets `flank` bases on both sides. Sums of zero never pass,
/// so the sparse relevance of PLRP (most bases exactly 0) needs no special case; unlike a parametric null fitted to
/// the sums, the permutation null does not break when nearly every non-zero window is signal, as it is after pruning.
///
/// Negative seqlets are called only in rows where the model's output is on (`NegativeRule.whereOutputIsOn`): rows
/// holding a significant positive seqlet whose relevance sums to more than zero. A row with no positive evidence is the
/// model explaining a low score; its negative relevance is spread over whatever bases are there and says nothing about
/// a site, so such a row yields no seqlet of either sign. The negative test (observed sums, null and
/// Benjamini–Hochberg) runs over the eligible rows only.
public struct SeqletCaller: Sendable {
    public var window = 12
    public var flank = 6
    public var fdr = 0.001
    public var seed: UInt64 = 1
    public var negatives = NegativeRule.whereOutputIsOn

    /// Which rows negative seqlets are called in.
    public enum NegativeRule: String, Sendable, CaseIterable {
        /// Rows holding a positive seqlet and a positive relevance sum (LRP's and DeepLIFT's relevance sums to the
        /// output, or to its difference from the references, less what biases absorb).
        case whereOutputIsOn = "output-on"
        /// Every row: the negative test as the positive one.
        case everywhere
        /// No negative seqlets.
        case none
    }

    public init() {}

    /// What the caller found, with the thresholds it used (one per sign; infinity when nothing passed).
    public struct Result: Sendable {
        public let seqlets: [Seqlet]
        public let thresholds: [Seqlet.Sign: Float]
    }

    /// A description of the caller and its parameters for output headers.
    public var description: String {
        "windowed-FDR seqlet caller: window=\(window) flank=\(flank) fdr=\(fdr) null=within-row permutation seed=\(seed) negatives=\(negatives.rawValue)"
    }

    /// Seqlets of one per-base relevance vector (a contig's track, or one window), as a single row 0.
    public func call(track: [Float]) -> Result {
        call(scores: [track], length: track.count)
    }

    public func call(_ data: ExplainedWindows) -> Result {
        call(scores: (0..<data.count).map { data.baseScores(row: $0) }, length: data.length)
    }

    /// The same call on per-base scores (channel sums) given row by row, each row `length` values long: for callers
    /// that keep only the scores of many windows rather than their one-hot and relevance arrays.
    public func call(scores: [[Float]], length: Int) -> Result {
        let width = min(window, length)
        var seqlets: [Seqlet] = []
        var thresholds: [Seqlet.Sign: Float] = [:]
        let positive = called(scores.indices, scores, sign: .positive, width: width, length: length)
        seqlets = positive.seqlets
        thresholds[.positive] = positive.threshold
        let eligible: [Int]
        switch negatives {
        case .everywhere: eligible = Array(scores.indices)
        case .none: eligible = []
        case .whereOutputIsOn:
            let on = Set(positive.seqlets.map(\.row))
            eligible = scores.indices.filter { on.contains($0) && scores[$0].reduce(0, +) > 0 }
        }
        let negative = called(eligible, scores, sign: .negative, width: width, length: length)
        seqlets += negative.seqlets
        thresholds[.negative] = negative.threshold
        return Result(seqlets: seqlets, thresholds: thresholds)
    }

    /// One sign's test over `rows` of `scores`: the pooled permutation null, the BH threshold, the greedy cores.
    private func called(_ rows: some Collection<Int>, _ scores: [[Float]], sign: Seqlet.Sign, width: Int, length: Int)
        -> (seqlets: [Seqlet], threshold: Float) {
        guard !rows.isEmpty else { return ([], .infinity) }
        let factor: Float = sign == .positive ? 1 : -1
        let observed = rows.map { Self.windowSums(scores[$0].map { $0 * factor }, width: width) }
        var random = SeededRandom(seed: seed &+ (sign == .positive ? 0 : 1))
        var null: [Float] = []
        null.reserveCapacity(observed.reduce(0) { $0 + $1.count })
        for r in rows {
            var shuffled = scores[r].map { $0 * factor }
            random.shuffle(&shuffled)
            null += Self.windowSums(shuffled, width: width)
        }
        let threshold = Self.threshold(observed: observed.joined().filter { $0 > 0 }, null: null, fdr: fdr)
        guard threshold.isFinite else { return ([], threshold) }
        var seqlets: [Seqlet] = []
        for (r, sums) in zip(rows, observed) {
            seqlets += extract(row: r, sums: sums, threshold: threshold, width: width, length: length, sign: sign)
        }
        return (seqlets, threshold)
    }

    /// Sums of `width` consecutive values starting at each column.
    static func windowSums(_ values: [Float], width: Int) -> [Float] {
        guard values.count >= width else { return [] }
        var sums = [Float](repeating: 0, count: values.count - width + 1)
        var running = values[0..<width].reduce(0, +)
        sums[0] = running
        for i in 1..<sums.count {
            running += values[i + width - 1] - values[i - 1]
            sums[i] = running
        }
        return sums
    }

    /// The smallest observed sum significant under Benjamini–Hochberg at `fdr` against the null; infinity if none is.
    static func threshold(observed: [Float], null: [Float], fdr: Double) -> Float {
        guard !observed.isEmpty, !null.isEmpty else { return .infinity }
        let tail = NullTail(null)
        let values = Array(radixSorted(observed).reversed())
        let m = Double(values.count)
        var cut = Float.infinity
        for (k, value) in values.enumerated() where tail.pValue(value) * m / Double(k + 1) <= fdr {
            cut = value
        }
        return cut
    }

    private func extract(row: Int, sums: [Float], threshold: Float, width: Int, length: Int, sign: Seqlet.Sign) -> [Seqlet] {
        var candidates = sums.indices.filter { sums[$0] >= threshold && sums[$0] > 0 }
        candidates.sort { sums[$0] != sums[$1] ? sums[$0] > sums[$1] : $0 < $1 }
        var taken: [Int] = []
        var found: [Seqlet] = []
        for i in candidates where !taken.contains(where: { abs($0 - i) < width }) {
            taken.append(i)
            found.append(Seqlet(row: row, coreStart: i, coreEnd: i + width, start: max(0, i - flank),
                                end: min(length, i + width + flank), sign: sign, score: sums[i]))
        }
        return found.sorted { $0.coreStart < $1.coreStart }
    }
}

/// p-values from a sample of null sums: empirical where the sample is dense, and beyond its top 1% an exponential
/// tail fitted to the excesses over that point (peaks over threshold), so that p-values far smaller than
/// 1 / sample size — needed when a large dataset is tested at a small FDR — stay defined and smooth.
struct NullTail {
    private let sorted: [Float]
    private let start: Float
    private let startProbability: Double
    private let scale: Double

    init(_ null: [Float]) {
        sorted = radixSorted(null)
        let n = sorted.count
        let positive = sorted.firstIndex { $0 > 0 } ?? n
        // The top 1% of the sample, or of its positive part when 99% of it is zero or below.
        let index = max(Int(0.99 * Double(n)), positive + Int(0.9 * Double(n - positive)))
        let first = min(index, n - 1)
        let start = sorted[first]
        let excesses = sorted[first...].map { Double($0 - start) }
        self.start = start
        startProbability = Double(n - first) / Double(n)
        scale = max(excesses.reduce(0, +) / Double(max(excesses.count, 1)), 1e-12)
    }

    /// P(null ≥ x).
    func pValue(_ x: Float) -> Double {
        if x > start { return startProbability * exp(-Double(x - start) / scale) }
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < x { low = mid + 1 } else { high = mid }
        }
        return Double(sorted.count - low) / Double(sorted.count)
    }
}
