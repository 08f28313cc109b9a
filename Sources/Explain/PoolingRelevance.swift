import Model

/// Relevance through layers that have no rule of their own.
enum PoolingRelevance {
    static func through(_ layer: Layer, input x: Tensor, output y: Tensor, relevance r: Tensor, stabilizer: Float,
                        absorbable: inout [Float]) -> Tensor {
        switch layer.spec.kind {
        case .maxpool1d:
            return maxPool(x, r, pool: layer as! Pool1d, outputLength: y.shape[2])
        case .globalMaxPool:
            let length = x.shape[2]
            return winnerTakesAll(x, Tensor(shape: r.shape + [1], values: r.values), outputLength: 1) { row, offset, _ in
                var best = offset
                for t in 1..<length where row[offset + t] > row[best] { best = offset + t }
                return best - offset
            }
        case .avgpool1d, .globalAvgPool:
            // zennit's Norm rule: R_in = x ⊙ Pᵀ(R / st(z)) with P the pooling weights and z = Px the pooled output.
            let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
            let isGlobal = layer.spec.kind == .globalAvgPool
            let k = isGlobal ? length : layer.spec.kernelSize, step = isGlobal ? length : layer.spec.stride
            let lout = isGlobal ? 1 : y.shape[2]
            var out = Tensor(zeros: x.shape)
            for rowIndex in 0..<(n * channels) {
                for t in 0..<lout {
                    let z = y.values[rowIndex * lout + t]
                    let s = r.values[rowIndex * lout + t] / stabilized(z, stabilizer)
                    absorbable[rowIndex / channels] += abs(s) * stabilizer
                    for j in 0..<k {
                        let i = rowIndex * length + t * step + j
                        out.values[i] += x.values[i] * s / Float(k)
                    }
                }
            }
            return out
        case .flatten:
            return Tensor(shape: x.shape, values: r.values)
        default:
            // Activations, dropout and unmerged batch norm: relevance passes through.
            return r
        }
    }

    /// Each pooled output's relevance to its first maximal input (the winner of the forward pass).
    private static func maxPool(_ x: Tensor, _ r: Tensor, pool: Pool1d, outputLength lout: Int) -> Tensor {
        let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
        var out = Tensor(zeros: x.shape)
        x.values.withUnsafeBufferPointer { xb in
            r.values.withUnsafeBufferPointer { rb in
                out.values.withUnsafeMutableBufferPointer { ob in
                    for row in 0..<(n * channels) {
                        let output = ob.baseAddress! + row * length, relevance = rb.baseAddress! + row * lout
                        for t in 0..<lout where relevance[t] != 0 {
                            output[pool.winner(in: xb, offset: row * length, output: t)] += relevance[t]
                        }
                    }
                }
            }
        }
        return out
    }

    private static func winnerTakesAll(_ x: Tensor, _ r: Tensor, outputLength lout: Int,
                                       winner: (UnsafeBufferPointer<Float>, Int, Int) -> Int) -> Tensor {
        let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
        var out = Tensor(zeros: x.shape)
        x.values.withUnsafeBufferPointer { xs in
            for row in 0..<(n * channels) {
                for t in 0..<lout {
                    let value = r.values[row * lout + t]
                    guard value != 0 else { continue }
                    out.values[row * length + winner(xs, row * length, t)] += value
                }
            }
        }
        return out
    }
}
