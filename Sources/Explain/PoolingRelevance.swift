import Model

/// Relevance through layers that have no rule of their own.
enum PoolingRelevance {
    static func through(_ layer: Layer, input x: Tensor, output y: Tensor, relevance r: Tensor, stabilizer: Float,
                        absorbable: inout [Float]) -> Tensor {
        switch layer.spec.kind {
        case .maxpool1d, .globalMaxPool:
            // Each pooled output's relevance goes to its first maximal input, the winner of the forward pass: the
            // routing of the layer's gradient, with relevance in place of the gradient.
            return (layer as! TrainableLayer).backward(input: x, output: y, cache: TrainingCache(), outputGradient: r,
                                                       compute: Compute(threads: 1)).input
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
        case .crop:
            return (layer as! LengthRange).spread(r, inputShape: x.shape)
        case .mean, .sum:
            // Average pooling over the range (zennit's Norm): R_in = x ⊙ Pᵀ(R / st(z)), P the range's weights.
            let range = layer as! LengthRange
            let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
            var s = r
            for rowIndex in 0..<(n * channels) {
                s.values[rowIndex] = r.values[rowIndex] / stabilized(y.values[rowIndex], stabilizer)
                absorbable[rowIndex / channels] += abs(s.values[rowIndex]) * stabilizer
            }
            return range.spread(s, inputShape: x.shape).multiplied(by: x)
        case .flatten:
            return Tensor(shape: x.shape, values: r.values)
        default:
            // Activations, dropout and unmerged batch norm: relevance passes through.
            return r
        }
    }
}
