import CKernels

extension Pool1d: TrainableLayer {
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        let (n, channels, length) = (input.shape[0], input.shape[1], input.shape[2])
        let lout = output.shape[2], k = spec.kernelSize, stride = spec.stride
        if spec.kind == .maxpool1d, k == 4, stride == 4 {
            // The common DNA-CNN pooling without branches: a mispredicted branch per window was a seventh of training.
            var g = Tensor(overwrittenShape: input.shape)
            input.values.withUnsafeBufferPointer { x in
                outputGradient.values.withUnsafeBufferPointer { gy in
                    g.values.withSharedMutablePointer { shared in
                        compute.forEachChunk(of: n, chunk: 8) { items in
                            plrp_max_pool4_backward(x.baseAddress! + items.lowerBound * channels * length,
                                                    gy.baseAddress! + items.lowerBound * channels * lout,
                                                    items.count * channels, length, shared.base + items.lowerBound * channels * length)
                        }
                    }
                }
            }
            return (g, [])
        }
        var g = Tensor(zeros: input.shape)
        input.values.withUnsafeBufferPointer { x in
            outputGradient.values.withUnsafeBufferPointer { gyb in
                g.values.withSharedMutablePointer { shared in
                  compute.forEachChunk(of: n, chunk: 8) { items in
                    let gy = gyb.baseAddress!, gx = shared.base
                    for row in (items.lowerBound * channels)..<(items.upperBound * channels) {
                        let src = row * length, dst = row * lout
                        for t in 0..<lout {
                            let value = gy[dst + t]
                            if spec.kind == .maxpool1d {
                                gx[src + winner(in: x, offset: src, output: t)] += value
                            } else {
                                for j in 0..<k { gx[src + t * stride + j] += value / Float(k) }
                            }
                        }
                    }
                  }
                }
            }
        }
        return (g, [])
    }
}

extension GlobalPool: TrainableLayer {
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        let (n, channels, length) = (input.shape[0], input.shape[1], input.shape[2])
        var g = Tensor(zeros: input.shape)
        for row in 0..<(n * channels) {
            let src = row * length, gy = outputGradient.values[row]
            if spec.kind == .globalMaxPool {
                var best = src
                for t in 1..<length where input.values[src + t] > input.values[best] { best = src + t }
                g.values[best] = gy
            } else {
                for t in 0..<length { g.values[src + t] = gy / Float(length) }
            }
        }
        return (g, [])
    }
}
