import Foundation

/// TOMTOM-like comparison of a query matrix with a motif database.
///
/// Two matrices are aligned at every offset with at least `minOverlap` overlapping columns (fewer only when a matrix is
/// shorter), on both strands of the target; an alignment scores the sum over overlapping columns of the Pearson
/// correlation of the two columns. The null takes target columns at random from all columns of the database: for
/// query column i, the correlation with a random database column has mean μᵢ and variance σᵢ² (computed exactly over
/// the database's columns), so an alignment's score has mean Σμᵢ and variance Σσᵢ² over its overlapping columns and
/// a normal tail gives its p-value. A pair's p-value is that of its best alignment corrected for the number of
/// alignments tried, 1 − (1 − p)ⁿ. q-values are Benjamini–Hochberg over the database.
public struct MotifComparison: Sendable {
    public let database: [Motif]
    public var minOverlap = 5
    private let standardized: [[[Double]]]
    private let pool: [[Double]]

    public init(database: [Motif]) {
        self.database = database
        standardized = database.map { $0.columns.map(Self.standardize) }
        pool = standardized.flatMap { $0 }
    }

    public struct Match: Sendable {
        public let target: Int
        public let score: Double
        public var pValue: Double
        public var qValue: Double
        /// Query column 0 aligns with target column `offset` (negative: the query starts before the target).
        public let offset: Int
        /// "-" when the query matched the target's reverse complement.
        public let strand: Character
    }

    /// Every database motif compared with `query`, in database order, with p- and q-values.
    public func compare(_ query: Motif) -> [Match] {
        let forward = query.columns.map(Self.standardize)
        let reverse = query.reverseComplement.columns.map(Self.standardize)
        let nulls = [columnNull(forward), columnNull(reverse)]
        var matches = standardized.enumerated().map { t, target -> Match in
            let b = best([forward, reverse], nulls, target)
            return Match(target: t, score: b.score, pValue: Self.pairPValue(b.p, alignments: b.alignments), qValue: 1,
                         offset: b.offset, strand: b.strand)
        }
        let q = BenjaminiHochberg.qValues(matches.map(\.pValue))
        for i in matches.indices { matches[i].qValue = q[i] }
        return matches
    }

    /// A pair's p-value from its best alignment's, corrected for the alignments tried: 1 − (1 − p)ⁿ, kept above 0.
    static func pairPValue(_ p: Double, alignments: Int) -> Double {
        max(-expm1(Double(alignments) * log1p(-min(p, 1 - 1e-16))), Double.leastNormalMagnitude)
    }

    /// Mean and variance of each query column's correlation with a random database column.
    private func columnNull(_ query: [[Double]]) -> [(mean: Double, variance: Double)] { query.map(columnNull) }

    /// Mean and variance of a standardized column's correlation with a random database column.
    func columnNull(_ q: [Double]) -> (mean: Double, variance: Double) {
        var sum = 0.0, squares = 0.0
        for c in pool {
            let r = q[0] * c[0] + q[1] * c[1] + q[2] * c[2] + q[3] * c[3]
            sum += r
            squares += r * r
        }
        let n = Double(max(pool.count, 1))
        let mean = sum / n
        return (mean, max(squares / n - mean * mean, 1e-12))
    }

    /// The alignment with the smallest p-value over offsets and both orientations of the query (`queries[1]` is the
    /// reverse complement, reported as strand "-" with the offset of the reversed query).
    private func best(_ queries: [[[Double]]], _ nulls: [[(mean: Double, variance: Double)]], _ target: [[Double]])
        -> (score: Double, p: Double, offset: Int, strand: Character, alignments: Int) {
        let q = queries[0].count, t = target.count
        let needed = min(minOverlap, q, t)
        var result: (score: Double, p: Double, offset: Int, strand: Character, alignments: Int) = (0, 1, 0, "+", 0)
        for (k, query) in queries.enumerated() {
            for offset in (-(q - needed))...(t - needed) {
                var score = 0.0, mean = 0.0, variance = 0.0
                for i in max(0, -offset)..<min(q, t - offset) {
                    let a = query[i], b = target[i + offset]
                    score += a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]
                    mean += nulls[k][i].mean
                    variance += nulls[k][i].variance
                }
                let p = 0.5 * erfc((score - mean) / (2 * variance).squareRoot())
                result.alignments += 1
                if p < result.p || result.alignments == 1 { result = (score, p, offset, k == 0 ? "+" : "-", result.alignments) }
            }
        }
        return result
    }

    /// A column centred and scaled to unit length, so the dot product of two is their Pearson correlation.
    static func standardize(_ column: [Double]) -> [Double] {
        let mean = column.reduce(0, +) / Double(column.count)
        let centred = column.map { $0 - mean }
        let norm = centred.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 1e-12 ? centred.map { $0 / norm } : centred.map { _ in 0 }
    }

    /// The best mean column correlation of two matrices over alignments on both strands that overlap by at least
    /// 60% of the shorter one (and 4 columns).
    public static func meanCorrelation(_ a: Motif, _ b: Motif) -> Double {
        let x = a.columns.map(standardize)
        let needed = max(min(4, a.width, b.width), Int((0.6 * Double(min(a.width, b.width))).rounded(.up)))
        var best = -1.0
        for y in [b.columns.map(standardize), b.reverseComplement.columns.map(standardize)] {
            for offset in (-(x.count - needed))...(y.count - needed) {
                let range = max(0, -offset)..<min(x.count, y.count - offset)
                guard range.count >= needed else { continue }
                var sum = 0.0
                for i in range { sum += zip(x[i], y[i + offset]).reduce(0) { $0 + $1.0 * $1.1 } }
                best = max(best, sum / Double(range.count))
            }
        }
        return best
    }
}

/// Benjamini–Hochberg q-values (step-up, monotone), in the order of the p-values given.
public enum BenjaminiHochberg {
    public static func qValues(_ p: [Double]) -> [Double] {
        let m = Double(p.count)
        let order = p.indices.sorted { p[$0] < p[$1] }
        var q = [Double](repeating: 1, count: p.count)
        var running = 1.0
        for (rank, i) in order.enumerated().reversed() {
            running = min(running, p[i] * m / Double(rank + 1))
            q[i] = min(1, running)
        }
        return q
    }
}
