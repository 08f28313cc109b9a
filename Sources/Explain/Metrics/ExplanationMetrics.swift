import Foundation

/// The explanation metrics of docs/method.md on per-base relevance (the channel sum at each position).
public enum ExplanationMetrics {
    /// Relevance mass accuracy: the share of positive relevance on the ground-truth bases, Σ_GT r⁺ / Σ r⁺
    /// (0 when no base has positive relevance).
    public static func rma(_ relevance: [Float], truth: [Bool]) -> Double {
        var inside = 0.0, total = 0.0
        for (r, t) in zip(relevance, truth) where r > 0 {
            total += Double(r)
            if t { inside += Double(r) }
        }
        return total > 0 ? inside / total : 0
    }

    /// The Gini index of |r|: Σ(2i − n − 1)·x₍ᵢ₎ / (n·Σx) over |r| sorted ascending, i = 1…n (0 when all are 0).
    public static func gini(_ relevance: [Float]) -> Double {
        let x = relevance.map { Double(abs($0)) }.sorted()
        let n = Double(x.count)
        let total = x.reduce(0, +)
        guard total > 0 else { return 0 }
        var weighted = 0.0
        for (k, value) in x.enumerated() { weighted += (2 * Double(k + 1) - n - 1) * value }
        return weighted / (n * total)
    }

    /// Positions by decreasing relevance (ties: lower position first): the order bases are removed in for AOPC.
    public static func removalOrder(_ relevance: [Float]) -> [Int] {
        relevance.indices.sorted { relevance[$0] != relevance[$1] ? relevance[$0] > relevance[$1] : $0 < $1 }
    }

    /// Area over the perturbation curve: the mean over the steps k = 0…K of f(x) − f(x⁽ᵏ⁾), where `curve[k]` is the
    /// target logit after the k-th removal step (`curve[0]` = the unperturbed logit).
    public static func aopc(_ curve: [Float]) -> Double {
        guard let first = curve.first else { return 0 }
        return curve.reduce(0) { $0 + Double(first - $1) } / Double(curve.count)
    }

    /// Pearson correlation (0 when either side is constant).
    public static func pearson(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        guard n > 1 else { return 0 }
        let ma = a.reduce(0) { $0 + Double($1) } / n, mb = b.reduce(0) { $0 + Double($1) } / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            let dx = Double(x) - ma, dy = Double(y) - mb
            sab += dx * dy
            saa += dx * dx
            sbb += dy * dy
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    /// ‖e′ − e‖ / ‖e‖ (Euclidean; infinity when e is 0 and e′ is not, 0 when both are).
    public static func relativeChange(from e: [Float], to changed: [Float]) -> Double {
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(e, changed) {
            difference += Double(y - x) * Double(y - x)
            norm += Double(x) * Double(x)
        }
        if norm == 0 { return difference == 0 ? 0 : .infinity }
        return (difference / norm).squareRoot()
    }
}
