extension BatchNorm1d: TrainableLayer {
    /// Training mode normalises with the batch's own mean and (biased) variance per channel, as PyTorch does.
    public func trainingForward(_ input: Tensor, compute: Compute, random: inout SeededRandom) -> (Tensor, TrainingCache) {
        let channels = spec.numFeatures
        let n = input.shape[0], length = input.shape.count == 3 ? input.shape[2] : 1
        let m = Double(n * length)
        var mean = [Double](repeating: 0, count: channels), variance = mean
        for item in 0..<n {
            for c in 0..<channels {
                let base = (item * channels + c) * length
                for t in 0..<length { mean[c] += Double(input.values[base + t]) }
            }
        }
        for c in 0..<channels { mean[c] /= m }
        for item in 0..<n {
            for c in 0..<channels {
                let base = (item * channels + c) * length
                for t in 0..<length {
                    let d = Double(input.values[base + t]) - mean[c]
                    variance[c] += d * d
                }
            }
        }
        for c in 0..<channels { variance[c] /= m }
        var cache = TrainingCache()
        cache.indices = [n * length]
        cache.values = mean.map { Float($0) } + variance.map { Float(1 / ($0 + spec.eps).squareRoot()) } + variance.map { Float($0) }
        var output = input
        for item in 0..<n {
            for c in 0..<channels {
                let base = (item * channels + c) * length
                let mu = cache.values[c], inv = cache.values[channels + c]
                for t in 0..<length {
                    output.values[base + t] = (input.values[base + t] - mu) * inv * weight.values[c] + bias.values[c]
                }
            }
        }
        return (output, cache)
    }

    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        let channels = spec.numFeatures
        let n = input.shape[0], length = input.shape.count == 3 ? input.shape[2] : 1
        let m = Float(n * length)
        var gx = Tensor(zeros: input.shape)
        var gw = Tensor(zeros: [channels]), gb = Tensor(zeros: [channels])
        for c in 0..<channels {
            let mu = cache.values[c], inv = cache.values[channels + c]
            var sumG: Float = 0, sumGX: Float = 0
            for item in 0..<n {
                let base = (item * channels + c) * length
                for t in 0..<length {
                    let g = outputGradient.values[base + t]
                    sumG += g
                    sumGX += g * (input.values[base + t] - mu) * inv
                }
            }
            gb.values[c] = sumG
            gw.values[c] = sumGX
            let scale = weight.values[c] * inv
            for item in 0..<n {
                let base = (item * channels + c) * length
                for t in 0..<length {
                    let xhat = (input.values[base + t] - mu) * inv
                    gx.values[base + t] = scale * (outputGradient.values[base + t] - sumG / m - xhat * sumGX / m)
                }
            }
        }
        return (gx, [gw, gb])
    }

    /// New weight and bias; running statistics move towards the batch's (variance unbiased), as in PyTorch.
    public func updated(parameters: [Tensor], cache: TrainingCache?, momentum: Float) -> TrainableLayer {
        var mean = runningMean, variance = runningVar
        if let cache, !cache.values.isEmpty {
            let channels = spec.numFeatures
            let count = Float(cache.indices.first ?? 2)
            let unbiasing = count / max(count - 1, 1)
            for c in 0..<channels {
                mean.values[c] = (1 - momentum) * mean.values[c] + momentum * cache.values[c]
                variance.values[c] = (1 - momentum) * variance.values[c] + momentum * cache.values[2 * channels + c] * unbiasing
            }
        }
        return BatchNorm1d(spec: spec, weight: parameters[0], bias: parameters[1], runningMean: mean, runningVar: variance)
    }
}
