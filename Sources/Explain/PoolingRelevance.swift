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
            return winnerTakesAll(x, r, kernel: length, stride: length, outputLength: 1)
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
        winnerTakesAll(x, r, kernel: pool.spec.kernelSize, stride: pool.spec.stride, outputLength: lout)
    }

    /// Pooling windows of `kernel` inputs every `stride`: each output's relevance goes to the window's first maximum.
    private static func winnerTakesAll(_ x: Tensor, _ r: Tensor, kernel k: Int, stride: Int, outputLength lout: Int) -> Tensor {
        let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
        var out = Tensor(zeros: x.shape)
        x.values.withUnsafeBufferPointer { xb in
            r.values.withUnsafeBufferPointer { rb in
                out.values.withUnsafeMutableBufferPointer { ob in
                    for row in 0..<(n * channels) {
                        let input = xb.baseAddress! + row * length, output = ob.baseAddress! + row * length
                        let relevance = rb.baseAddress! + row * lout
                        for t in 0..<lout {
                            let window = input + t * stride
                            // Selects rather than branches: which input wins is unpredictable.
                            var best = 0, top = window[0]
                            for j in 1..<k {
                                let v = window[j], greater = v > top
                                best = greater ? j : best
                                top = greater ? v : top
                            }
                            output[t * stride + best] += relevance[t]
                        }
                    }
                }
            }
        }
        return out
    }
}
