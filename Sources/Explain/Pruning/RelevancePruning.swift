/// The PLRP threshold (docs/method.md) on one item's relevance vector: positive and negative entries separately, the
/// longest prefix of entries sorted by ascending magnitude (ties by index) whose mass is at most p of that sign's
/// total is pruned.
enum RelevancePruning {
    /// Working memory reused across items.
    struct Scratch {
        var boundary: [UInt64] = []
        var bucketMass = [Double](repeating: 0, count: 2 * RelevancePruning.bucketsPerSign)
    }

    /// Each sign's total mass and the mass pruned from it (magnitudes).
    struct Masses {
        var total: (positive: Double, negative: Double) = (0, 0)
        var pruned: (positive: Double, negative: Double) = (0, 0)
    }

    /// Non-zero values are grouped by the top 12 bits of their float encoding: the sign, then the exponent and three
    /// mantissa bits, which order like the magnitudes. Buckets 0..<2048 hold positives, 2048..<4096 negatives.
    static let bucketsPerSign = 1 << 11
    @inline(__always) private static func bucket(_ v: Float) -> Int { Int(v.bitPattern >> 20) }

    /// Fills `mask` (1 kept, 0 pruned) for `values`: per sign, whole buckets below the one where the budget runs out
    /// are pruned without sorting; only the boundary bucket's entries are sorted (by magnitude, ties by index) to
    /// find where the pruned prefix ends.
    @discardableResult
    static func mask(_ values: UnsafeBufferPointer<Float>, positive p: Float, negative q: Float,
                     mask: UnsafeMutableBufferPointer<Float>, scratch: inout Scratch) -> Masses {
        var masses = Masses()
        guard !values.isEmpty else { return masses }
        // Branch-free: zeros add nothing to bucket 0 or 2048, and which values are zero or negative is unpredictable.
        var smallest = UInt32.max, largest: UInt32 = 0
        scratch.bucketMass.withUnsafeMutableBufferPointer { mass in
            for i in 0..<values.count {
                let v = values[i], bits = abs(v).bitPattern
                mass[bucket(v)] += Double(abs(v))
                smallest = min(smallest, bits == 0 ? UInt32.max : bits)
                largest = max(largest, bits)
            }
        }
        // The buckets in use, per sign (the same span for both).
        let span = smallest > largest ? nil : (Int(smallest >> 20), Int(largest >> 20))
        let low = (span?.0 ?? bucketsPerSign, (span?.0 ?? bucketsPerSign) + bucketsPerSign)
        let high = (span?.1 ?? -1, (span?.1 ?? -1) + bucketsPerSign)
        // Each sign's total in bucket order, the order in which `edge` accumulates, so that p = 1 prunes everything.
        if low.0 <= high.0 {
            for b in low.0...high.0 { masses.total.positive += scratch.bucketMass[b] }
            for b in low.1...high.1 { masses.total.negative += scratch.bucketMass[b] }
        }
        /// The first bucket not pruned whole (everything below it is pruned), and the mass below it.
        func edge(_ fraction: Float, total: Double, low: Int, high: Int) -> (bucket: Int, pruned: Double) {
            guard fraction > 0, total > 0, low <= high else { return (Int.min, 0) }
            let budget = Double(fraction) * total
            var pruned: Double = 0
            for b in low...high {
                let next = pruned + scratch.bucketMass[b]
                if next > budget { return (b, pruned) }
                pruned = next
            }
            return (high + 1, pruned)
        }
        let positive = edge(p, total: masses.total.positive, low: low.0, high: high.0)
        let negative = edge(q, total: masses.total.negative, low: low.1, high: high.1)
        for (first, last) in [(low.0, high.0), (low.1, high.1)] where first <= last {
            for b in first...last { scratch.bucketMass[b] = 0 }
        }
        masses.pruned = (positive.pruned, negative.pruned)
        scratch.boundary.removeAll(keepingCapacity: true)
        // Eight entries at a time: pruned below the sign's edge bucket; entries in the edge bucket are collected
        // (a sign that prunes nothing has edge 0 and no boundary, so nothing compares below or equal to it).
        let edges = (UInt32(max(positive.bucket, 0)), UInt32(max(negative.bucket, 0)))
        let active = (positive.bucket != Int.min, negative.bucket != Int.min)
        let raw = UnsafeRawPointer(values.baseAddress!)
        var i = 0
        while i + 8 <= values.count {
            let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<UInt32>.self) &>> 20
            let edge = SIMD8(repeating: edges.1).replacing(with: edges.0, where: v .> 0)
            let nonzero = v .!= 0
            let kept = SIMD8<Float>(repeating: 1).replacing(with: 0, where: nonzero .& (b .< edge))
            UnsafeMutableRawPointer(mask.baseAddress! + i).storeBytes(of: kept, as: SIMD8<Float>.self)
            let atEdge = nonzero .& (b .== edge)
            if any(atEdge) {
                for k in 0..<8 where atEdge[k] && (v[k] > 0 ? active.0 : active.1) {
                    // The magnitude's bits order like the positive floats they encode; the index breaks ties.
                    scratch.boundary.append(UInt64(abs(v[k]).bitPattern) << 32 | UInt64(i + k))
                }
            }
            i += 8
        }
        while i < values.count {
            let v = values[i], b = bucket(v), limit = v > 0 ? positive.bucket : negative.bucket
            mask[i] = v != 0 && b < limit ? 0 : 1
            if b == limit && v != 0 { scratch.boundary.append(UInt64(abs(v).bitPattern) << 32 | UInt64(i)) }
            i += 1
        }
        // Both signs' boundary entries: the sign is not in the key, but each sign's entries stay in order. Per sign
        // (0 positive, 1 negative): the budget, the mass pruned so far, and whether the prefix is still growing.
        scratch.boundary.sort()
        let budget = SIMD2(Double(p) * masses.total.positive, Double(q) * masses.total.negative)
        var pruned = SIMD2(masses.pruned.positive, masses.pruned.negative)
        var open = SIMD2(positive.bucket != Int.min ? 1 : 0, negative.bucket != Int.min ? 1 : 0)
        for key in scratch.boundary where open != .zero {
            let index = Int(key & 0xFFFF_FFFF), v = values[index], sign = v > 0 ? 0 : 1
            guard open[sign] == 1 else { continue }
            if pruned[sign] + Double(abs(v)) <= budget[sign] {
                pruned[sign] += Double(abs(v))
                mask[index] = 0
            } else {
                open[sign] = 0
            }
        }
        masses.pruned = (pruned[0], pruned[1])
        return masses
    }

    /// PLRP-λ on one item: zero the pruned entries and scale the kept ones of each sign so that its mass is
    /// unchanged (λ = 1 where nothing of a sign is kept). Returns the larger relative change of a sign's mass that
    /// float rounding leaves (checked per layer).
    @discardableResult
    static func scale(_ values: UnsafeMutableBufferPointer<Float>, mask: UnsafeBufferPointer<Float>, masses: Masses) -> Double {
        guard !values.isEmpty else { return 0 }
        let keptPositive = masses.total.positive - masses.pruned.positive
        let keptNegative = masses.total.negative - masses.pruned.negative
        let lambdaPositive = keptPositive > 0 ? Float(masses.total.positive / keptPositive) : 1
        let lambdaNegative = keptNegative > 0 ? Float(masses.total.negative / keptNegative) : 1
        // Eight entries at a time, with eight sums per sign, so that consecutive additions do not wait on each other.
        var positive = SIMD8<Double>.zero, negative = SIMD8<Double>.zero
        let base = UnsafeMutableRawPointer(values.baseAddress!), keep = UnsafeRawPointer(mask.baseAddress!)
        var i = 0
        while i + 8 <= values.count {
            let v = base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let kept = keep.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let lambda = SIMD8(repeating: lambdaNegative).replacing(with: lambdaPositive, where: v .> 0)
            let s = (v * lambda).replacing(with: 0, where: kept .== 0)
            base.storeBytes(of: s, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            positive += SIMD8<Double>(s.replacing(with: 0, where: s .< 0))
            negative -= SIMD8<Double>(s.replacing(with: 0, where: s .> 0))
            i += 8
        }
        var afterPositive = positive.sum(), afterNegative = negative.sum()
        while i < values.count {
            let v = values[i], s = mask[i] == 0 ? 0 : v * (v > 0 ? lambdaPositive : lambdaNegative)
            values[i] = s
            afterPositive += Double(max(s, 0))
            afterNegative -= Double(min(s, 0))
            i += 1
        }
        return max(abs(afterPositive - masses.total.positive) / max(masses.total.positive, 1e-30),
                   abs(afterNegative - masses.total.negative) / max(masses.total.negative, 1e-30))
    }

    /// Adds `positive` and `negative` mass to the kept entries of that sign, in proportion to them (PLRP-λ style).
    /// Returns false when a sign has mass to place but no kept entry of that sign.
    @discardableResult
    static func redistribute(_ values: UnsafeMutableBufferPointer<Float>, positive: Double, negative: Double) -> Bool {
        var keptPositive: Double = 0, keptNegative: Double = 0
        for v in values { if v > 0 { keptPositive += Double(v) } else if v < 0 { keptNegative += Double(v) } }
        var placed = true
        let up: Float = keptPositive > 0 ? Float((keptPositive + positive) / keptPositive) : 1
        let down: Float = keptNegative < 0 ? Float((keptNegative + negative) / keptNegative) : 1
        if positive != 0 && keptPositive == 0 { placed = false }
        if negative != 0 && keptNegative == 0 { placed = false }
        for i in 0..<values.count { values[i] *= values[i] > 0 ? up : down }
        return placed
    }
}
