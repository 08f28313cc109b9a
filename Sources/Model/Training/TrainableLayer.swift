/// What a training step keeps from a layer's forward pass for its backward pass.
public struct TrainingCache: Sendable {
    /// Bookkeeping integers (batch normalisation: values per channel), or nothing.
    public var indices: [Int] = []
    /// Dropout mask, or batch statistics (batch normalisation: mean then inverse deviation per channel).
    public var values: [Float] = []

    public init() {}
}

/// A layer that can be trained: a training-mode forward pass, gradients, and a copy with new parameters.
/// Trainable parameters are the `parameters` entries that are not running statistics, in that order.
public protocol TrainableLayer: Layer {
    func trainingForward(_ input: Tensor, compute: Compute, random: inout SeededRandom) -> (Tensor, TrainingCache)
    /// Gradients with respect to the input and to each trainable parameter.
    func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                  compute: Compute) -> (input: Tensor, parameters: [Tensor])
    /// Gradients with respect to the parameters alone, for the first layer, whose input gradient nobody reads.
    func parameterGradients(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                            compute: Compute) -> [Tensor]
    /// A copy with new trainable parameters (and, for batch normalisation, running statistics updated from `cache`).
    func updated(parameters: [Tensor], cache: TrainingCache?, momentum: Float) -> TrainableLayer
}

extension TrainableLayer {
    public func trainingForward(_ input: Tensor, compute: Compute, random: inout SeededRandom) -> (Tensor, TrainingCache) {
        (forward(input, compute: compute), TrainingCache())
    }

    public func updated(parameters: [Tensor], cache: TrainingCache?, momentum: Float) -> TrainableLayer { self }

    public func parameterGradients(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                                   compute: Compute) -> [Tensor] {
        backward(input: input, output: output, cache: cache, outputGradient: outputGradient, compute: compute).parameters
    }

    public var trainableParameters: [Tensor] {
        parameters.filter { !$0.suffix.hasPrefix("running_") }.map(\.tensor)
    }
}

extension Elementwise: TrainableLayer {
    public func trainingForward(_ input: Tensor, compute: Compute, random: inout SeededRandom) -> (Tensor, TrainingCache) {
        guard spec.kind == .dropout, spec.dropout > 0 else { return (forward(input, compute: compute), TrainingCache()) }
        var cache = TrainingCache()
        let keep = Float(1 - spec.dropout)
        cache.values = (0..<input.count).map { _ in random.nextUnitFloat() < keep ? 1 / keep : 0 }
        var output = input
        for i in 0..<output.count { output.values[i] *= cache.values[i] }
        return (output, cache)
    }

    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        var g = outputGradient
        let mask = cache.values
        g.values.withSharedMutablePointer { shared in
            input.values.withUnsafeBufferPointer { xb in
                output.values.withUnsafeBufferPointer { yb in
                  // Element-wise, so any split gives the same numbers; fixed chunks keep the work even.
                  compute.forEachChunk(of: outputGradient.count, chunk: 1 << 16) { range in
                    let g = shared.base + range.lowerBound, x = xb.baseAddress! + range.lowerBound
                    let y = yb.baseAddress! + range.lowerBound, n = range.count
                    switch spec.kind {
                    case .relu:
                        // Eight at a time through SIMD, as the compiler does not vectorise the pointer loop itself.
                        var i = 0
                        while i + 8 <= n {
                            let xs = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                            var gs = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                            gs.replace(with: 0, where: xs .<= 0)
                            UnsafeMutableRawPointer(g + i).storeBytes(of: gs, as: SIMD8<Float>.self)
                            i += 8
                        }
                        while i < n {
                            if x[i] <= 0 { g[i] = 0 }
                            i += 1
                        }
                    case .elu: for i in 0..<n where x[i] <= 0 { g[i] *= y[i] + 1 }
                    case .exp: for i in 0..<n { g[i] *= y[i] }
                    case .sigmoid: for i in 0..<n { g[i] *= y[i] * (1 - y[i]) }
                    case .tanh: for i in 0..<n { g[i] *= 1 - y[i] * y[i] }
                    case .softplus: for i in 0..<n where x[i] <= 20 { g[i] *= 1 - expf(-y[i]) }
                    case .dropout: if !mask.isEmpty { for i in 0..<n { g[i] *= mask[range.lowerBound + i] } }
                    case .leakyRelu:
                        let slope = Float(spec.negativeSlope)
                        for i in 0..<n where x[i] < 0 { g[i] *= slope }
                    case .gelu:
                        if spec.tanhApproximation {
                            for i in 0..<n { g[i] *= GELU.tanhDerivative(x[i]) }
                        } else {
                            for i in 0..<n { g[i] *= GELU.exactDerivative(x[i]) }
                        }
                    default: break
                    }
                  }
                }
            }
        }
        return (g, [])
    }
}

extension LengthRange: TrainableLayer {
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        (spread(outputGradient, inputShape: input.shape), [])
    }
}

extension Flatten: TrainableLayer {
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        (Tensor(shape: input.shape, values: outputGradient.values), [])
    }
}

import Foundation
