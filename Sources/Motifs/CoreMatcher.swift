import Foundation

/// Compares short base sequences (seqlet cores) with a motif database exactly as `MotifComparison` compares the
/// matrix that puts 0.85 on each base and 0.05 on the others (all 0.05 at an N), but fast enough for every seqlet of
/// a chromosome: such a matrix has one of five columns, so each database column's correlation with each of them and
/// each one's null mean and variance are computed once, and an alignment costs a table lookup per column. Only an
/// alignment whose z-score beats the best so far gets its normal tail evaluated (the tail falls as z grows), so the
/// p-values, q-values, offsets and strands are `MotifComparison.compare`'s, bit for bit.
public struct CoreMatcher: Sendable {
    public let comparison: MotifComparison
    /// Per target, per column, the correlation with each of the five query columns (A, C, G, T, N).
    private let dots: [[[Double]]]
    /// Per query column code, the mean and variance of its correlation with a random database column.
    private let nulls: [(mean: Double, variance: Double)]

    /// The matrix column `MotifComparison` would get for base code `code` (0–3: A, C, G, T; 4: anything else).
    public static func column(_ code: Int) -> [Double] { (0..<4).map { $0 == code ? 0.85 : 0.05 } }

    public init(database: [Motif], minOverlap: Int = 5) {
        var comparison = MotifComparison(database: database)
        comparison.minOverlap = minOverlap
        self.comparison = comparison
        let codes = (0...4).map { MotifComparison.standardize(Self.column($0)) }
        dots = database.map { motif in
            motif.columns.map(MotifComparison.standardize).map { b in codes.map { a in a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3] } }
        }
        nulls = codes.map(comparison.columnNull)
    }

    /// Every database motif compared with the bases `codes` (0–3 for A, C, G, T; 4 for any other), in database order.
    public func compare(codes: ArraySlice<UInt8>) -> [MotifComparison.Match] {
        let forward = codes.map { Int(min($0, 4)) }
        let reverse = forward.reversed().map { $0 == 4 ? 4 : 3 - $0 }
        var matches = dots.enumerated().map { t, target -> MotifComparison.Match in
            let b = best([forward, reverse], target)
            let p = -expm1(Double(b.alignments) * log1p(-min(b.p, 1 - 1e-16)))
            return MotifComparison.Match(target: t, score: b.score, pValue: max(p, Double.leastNormalMagnitude), qValue: 1,
                                         offset: b.offset, strand: b.strand)
        }
        let q = BenjaminiHochberg.qValues(matches.map(\.pValue))
        for i in matches.indices { matches[i].qValue = q[i] }
        return matches
    }

    /// `MotifComparison.best` over code sequences.
    private func best(_ queries: [[Int]], _ target: [[Double]]) -> (score: Double, p: Double, offset: Int, strand: Character, alignments: Int) {
        let q = queries[0].count, t = target.count
        let needed = min(comparison.minOverlap, q, t)
        var result: (score: Double, p: Double, offset: Int, strand: Character, alignments: Int) = (0, 1, 0, "+", 0)
        var bestZ = -Double.infinity
        for (k, query) in queries.enumerated() {
            for offset in (-(q - needed))...(t - needed) {
                var score = 0.0, mean = 0.0, variance = 0.0
                for i in max(0, -offset)..<min(q, t - offset) {
                    let code = query[i]
                    score += target[i + offset][code]
                    mean += nulls[code].mean
                    variance += nulls[code].variance
                }
                result.alignments += 1
                let z = (score - mean) / (2 * variance).squareRoot()
                guard z > bestZ || result.alignments == 1 else { continue }
                let p = 0.5 * erfc(z)
                if p < result.p || result.alignments == 1 {
                    result = (score, p, offset, k == 0 ? "+" : "-", result.alignments)
                    bestZ = z
                }
            }
        }
        return result
    }
}
