import Model

/// Relevance through nodes that read several inputs.
enum JoinRelevance {
    /// `add`: zennit's `Sum` under the `Norm` rule, each input getting R ⊙ x_i / st(Σ x); `concat`: each input gets
    /// its channels' relevance.
    static func through(_ layer: JoinLayer, inputs: [Tensor], output z: Tensor, relevance r: Tensor, stabilizer: Float,
                        absorbable: inout [Float]) -> [Tensor] {
        guard layer.spec.kind == .add else { return layer.backward(inputs: inputs, outputGradient: r) }
        let row = r.rowLength
        if inputs.count == 2 { return through(inputs[0], inputs[1], output: z, relevance: r, stabilizer: stabilizer, absorbable: &absorbable) }
        var s = Tensor(overwrittenShape: r.shape)
        for item in 0..<r.shape[0] {
            var absorbed: Float = 0
            for j in (item * row)..<((item + 1) * row) {
                s.values[j] = r.values[j] / stabilized(z.values[j], stabilizer)
                absorbed += abs(s.values[j])
            }
            absorbable[item] += absorbed * stabilizer
        }
        return inputs.map { $0.multiplied(by: s) }
    }

    /// The same for the usual two inputs (a residual add) in one pass, without the tensor s: equal values.
    private static func through(_ a: Tensor, _ b: Tensor, output z: Tensor, relevance r: Tensor, stabilizer: Float,
                                absorbable: inout [Float]) -> [Tensor] {
        var first = Tensor(overwrittenShape: r.shape), second = Tensor(overwrittenShape: r.shape)
        let row = r.rowLength
        first.values.withUnsafeMutableBufferPointer { f in
            second.values.withUnsafeMutableBufferPointer { g in
                a.values.withUnsafeBufferPointer { ab in
                    b.values.withUnsafeBufferPointer { bb in
                        r.values.withUnsafeBufferPointer { rb in
                            z.values.withUnsafeBufferPointer { zb in
                                for item in 0..<r.shape[0] {
                                    // Eight partial sums of |s| (a single running sum would wait on each addition).
                                    var part = SIMD8<Float>.zero
                                    var j = item * row
                                    let end = j + row
                                    let epsilon = SIMD8<Float>(repeating: stabilizer)
                                    let (rp, zp, ap, bp) = (rb.baseAddress!, zb.baseAddress!, ab.baseAddress!, bb.baseAddress!)
                                    while j + 8 <= end {
                                        let zv = VectorLoops.load8(zp + j)
                                        let s = VectorLoops.load8(rp + j) / (zv + epsilon.replacing(with: -epsilon, where: zv .< 0))
                                        part += VectorLoops.abs(s)
                                        VectorLoops.store8(VectorLoops.load8(ap + j) * s, f.baseAddress! + j)
                                        VectorLoops.store8(VectorLoops.load8(bp + j) * s, g.baseAddress! + j)
                                        j += 8
                                    }
                                    var absorbed = part.sum()
                                    while j < end {
                                        let s = rb[j] / stabilized(zb[j], stabilizer)
                                        absorbed += abs(s)
                                        f[j] = ab[j] * s
                                        g[j] = bb[j] * s
                                        j += 1
                                    }
                                    absorbable[item] += absorbed * stabilizer
                                }
                            }
                        }
                    }
                }
            }
        }
        return [first, second]
    }
}

extension Tensor {
    /// self += other in place (equal to `adding`, without a copy when the storage is not shared).
    mutating func add(_ other: Tensor) {
        values.withUnsafeMutableBufferPointer { o in
            other.values.withUnsafeBufferPointer { p in for i in 0..<o.count { o[i] += p[i] } }
        }
    }
}
