/// Loops of the relevance pass written eight floats at a time, because the compiler leaves their scalar forms
/// unvectorised (a division under a select, an early-exit search). Each gives exactly the scalar loop's values.
enum VectorLoops {
    /// q[p] = r[p] / stabilized(z[p], ε) for p < count.
    @inline(__always)
    static func divideStabilized(_ r: UnsafePointer<Float>, _ z: UnsafePointer<Float>, _ epsilon: Float,
                                 into q: UnsafeMutablePointer<Float>, count: Int) {
        let e = SIMD8<Float>(repeating: epsilon)
        var p = 0
        while p + 8 <= count {
            let zv = load8(z + p)
            store8(load8(r + p) / (zv + e.replacing(with: -e, where: zv .< 0)), q + p)
            p += 8
        }
        while p < count {
            q[p] = r[p] / stabilized(z[p], epsilon)
            p += 1
        }
    }

    /// Whether some value is negative (NaN is not).
    static func hasNegative(_ values: [Float]) -> Bool {
        values.withUnsafeBufferPointer { v in
            guard let base = v.baseAddress else { return false }
            let zero = SIMD8<Float>.zero
            var p = 0
            while p + 32 <= v.count {
                let negative = (load8(base + p) .< zero) .| (load8(base + p + 8) .< zero)
                    .| (load8(base + p + 16) .< zero) .| (load8(base + p + 24) .< zero)
                if any(negative) { return true }
                p += 32
            }
            while p < v.count {
                if base[p] < 0 { return true }
                p += 1
            }
            return false
        }
    }

    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    @inline(__always) static func abs(_ v: SIMD8<Float>) -> SIMD8<Float> { v.replacing(with: -v, where: v .< 0) }
}
