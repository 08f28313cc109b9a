/// The PLRP threshold (SPEC §5.2) on one item's relevance vector: positive and negative entries separately, the
/// longest prefix of entries sorted by ascending magnitude (ties by index) whose mass is at most p of that sign's
/// total is pruned.
enum RelevancePruning {
    /// Fills `mask` (1 kept, 0 pruned) for `values`; `order` is scratch space.
    static func mask(_ values: UnsafeBufferPointer<Float>, positive p: Float, negative q: Float,
                     mask: UnsafeMutableBufferPointer<Float>, order: inout [UInt64]) {
        for i in 0..<values.count { mask[i] = 1 }
        prune(values, sign: 1, fraction: p, mask: mask, order: &order)
        prune(values, sign: -1, fraction: q, mask: mask, order: &order)
    }

    private static func prune(_ values: UnsafeBufferPointer<Float>, sign: Float, fraction: Float,
                              mask: UnsafeMutableBufferPointer<Float>, order: inout [UInt64]) {
        guard fraction > 0 else { return }
        order.removeAll(keepingCapacity: true)
        var total: Double = 0
        // Sort keys: the magnitude's bits (which order like the positive floats they encode), then the index, so
        // that one integer sort gives ascending magnitude with ties broken by index.
        for i in 0..<values.count where values[i] * sign > 0 {
            let magnitude = values[i] * sign
            order.append(UInt64(magnitude.bitPattern) << 32 | UInt64(i))
            total += Double(magnitude)
        }
        guard total > 0 else { return }
        order.sort()
        let budget = Double(fraction) * total
        var pruned: Double = 0
        for key in order {
            let index = Int(key & 0xFFFF_FFFF)
            let v = Double(values[index] * sign)
            guard pruned + v <= budget else { break }
            pruned += v
            mask[index] = 0
        }
    }

    /// PLRP-λ on one item: zero the pruned entries and scale the kept ones of each sign so that its mass is
    /// unchanged (λ = 1 where nothing of a sign is kept).
    static func scale(_ values: UnsafeMutableBufferPointer<Float>, mask: UnsafeBufferPointer<Float>) {
        var totalPositive: Double = 0, totalNegative: Double = 0, keptPositive: Double = 0, keptNegative: Double = 0
        for i in 0..<values.count {
            let v = Double(values[i])
            if v > 0 { totalPositive += v; if mask[i] != 0 { keptPositive += v } }
            if v < 0 { totalNegative += v; if mask[i] != 0 { keptNegative += v } }
        }
        let lambdaPositive = keptPositive != 0 ? Float(totalPositive / keptPositive) : 1
        let lambdaNegative = keptNegative != 0 ? Float(totalNegative / keptNegative) : 1
        for i in 0..<values.count {
            if mask[i] == 0 { values[i] = 0 } else { values[i] *= values[i] > 0 ? lambdaPositive : lambdaNegative }
        }
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
