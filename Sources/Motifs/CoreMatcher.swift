import Foundation

/// Compares short base sequences (seqlet cores) with a motif database exactly as `MotifComparison` compares the
/// matrix that puts 0.85 on each base and 0.05 on the others (all 0.05 at an N), but fast enough for every seqlet of
/// a chromosome: such a matrix has one of five columns, so each database column's correlation with each of them and
/// each one's null mean and variance are computed once, and an alignment costs a table lookup per column. Only an
/// alignment whose z-score beats the best so far gets its normal tail evaluated (the tail falls as z grows), so the
/// p-values, q-values, offsets and strands are `MotifComparison.compare`'s, bit for bit.
public struct CoreMatcher: Sendable {
    public let comparison: MotifComparison
    /// Per target, column after column, the correlation with each of the five query columns (A, C, G, T, N).
    private let dots: [[Double]]
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
            motif.columns.map(MotifComparison.standardize).flatMap { b in codes.map { a in a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3] } }
        }
        nulls = codes.map(comparison.columnNull)
    }

    /// Every database motif compared with the bases `codes` (0–3 for A, C, G, T; 4 for any other), in database order.
    public func compare(codes: ArraySlice<UInt8>) -> [MotifComparison.Match] {
        var matches = bestAlignments(codes).enumerated().map { t, b in
            MotifComparison.Match(target: t, score: b.score, pValue: MotifComparison.pairPValue(b.p, alignments: b.alignments),
                                  qValue: 1, offset: b.offset, strand: b.strand)
        }
        let q = BenjaminiHochberg.qValues(matches.map(\.pValue))
        for i in matches.indices { matches[i].qValue = q[i] }
        return matches
    }

    /// The database motif with the smallest p-value for `codes` (the first on a tie) and its q-value among all
    /// targets: `compare(codes:)`'s best entry, without building the others.
    public func best(codes: ArraySlice<UInt8>) -> (target: Int, pValue: Double, qValue: Double)? {
        let pValues = bestAlignments(codes).map { MotifComparison.pairPValue($0.p, alignments: $0.alignments) }
        guard let first = pValues.indices.min(by: { pValues[$0] < pValues[$1] }) else { return nil }
        return (first, pValues[first], BenjaminiHochberg.qValues(pValues)[first])
    }

    /// Each target's best alignment with `codes` on either strand, in database order.
    private func bestAlignments(_ codes: ArraySlice<UInt8>) -> [(score: Double, p: Double, offset: Int, strand: Character, alignments: Int)] {
        let forward = codes.map { Int(min($0, 4)) }
        let reverse = forward.reversed().map { $0 == 4 ? 4 : 3 - $0 }
        let strands = [Strand(forward, nulls), Strand(reverse, nulls)]
        return dots.map { best(strands, $0) }
    }

    /// One orientation of the query, with the null's mean and variance summed over every column range [lo, hi) in
    /// the order `MotifComparison` sums them (column by column from lo), since the ranges recur for every target.
    private struct Strand {
        let codes: [Int]
        /// `(lo * (q + 1) + hi)`: sums over [lo, hi).
        var mean: [Double]
        var variance: [Double]

        init(_ codes: [Int], _ nulls: [(mean: Double, variance: Double)]) {
            self.codes = codes
            let q = codes.count
            mean = [Double](repeating: 0, count: (q + 1) * (q + 1))
            variance = mean
            for lo in 0..<q {
                var m = 0.0, v = 0.0
                for hi in (lo + 1)...q {
                    m += nulls[codes[hi - 1]].mean
                    v += nulls[codes[hi - 1]].variance
                    mean[lo * (q + 1) + hi] = m
                    variance[lo * (q + 1) + hi] = v
                }
            }
        }
    }

    /// `MotifComparison.best` over code sequences. Both orientations' scores are summed in one pass (two independent
    /// chains of additions, each in `MotifComparison`'s order), then the alignments are visited in its order.
    private func best(_ strands: [Strand], _ target: [Double]) -> (score: Double, p: Double, offset: Int, strand: Character, alignments: Int) {
        let q = strands[0].codes.count, t = target.count / 5
        let needed = min(comparison.minOverlap, q, t)
        let first = -(q - needed), count = t - needed - first + 1
        var scores = [Double](repeating: 0, count: 2 * count)
        target.withUnsafeBufferPointer { target in
            strands[0].codes.withUnsafeBufferPointer { forward in
                strands[1].codes.withUnsafeBufferPointer { reverse in
                    for k in 0..<count {
                        let offset = first + k
                        var a = 0.0, b = 0.0
                        var column = (max(0, -offset) + offset) * 5
                        for i in max(0, -offset)..<min(q, t - offset) {
                            a += target[column &+ forward[i]]
                            b += target[column &+ reverse[i]]
                            column &+= 5
                        }
                        scores[k] = a
                        scores[count + k] = b
                    }
                }
            }
        }
        var result: (score: Double, p: Double, offset: Int, strand: Character, alignments: Int) = (0, 1, 0, "+", 0)
        var bestZ = -Double.infinity
        for s in 0..<2 {
            let means = strands[s].mean, variances = strands[s].variance
            for k in 0..<count {
                let offset = first + k
                let lo = max(0, -offset), hi = min(q, t - offset)
                let score = scores[s &* count &+ k]
                let cell = lo &* (q &+ 1) &+ hi
                let mean = means[cell], variance = variances[cell]
                result.alignments += 1
                // Clearly below the best z (squares compared with a margin far above rounding): skip the root.
                let d = score - mean
                if bestZ > 0 && (d <= 0 || d * d < bestZ * bestZ * (2 * variance) * (1 - 1e-9)) { continue }
                let z = d / (2 * variance).squareRoot()
                guard z > bestZ || result.alignments == 1 else { continue }
                let p = 0.5 * erfc(z)
                if p < result.p || result.alignments == 1 {
                    result = (score, p, offset, s == 0 ? "+" : "-", result.alignments)
                    bestZ = z
                }
            }
        }
        return result
    }
}
