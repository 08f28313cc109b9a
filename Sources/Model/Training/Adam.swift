/// Adam (Kingma & Ba) with PyTorch's defaults and bias correction, over a list of parameter tensors.
public struct Adam {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0
    private var step = 0
    private var first: [[Float]] = []
    private var second: [[Float]] = []

    public init(learningRate: Float = 1e-3, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// Updates `parameters` in place from `gradients` (same order and shapes every call).
    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor]) {
        if first.isEmpty {
            first = parameters.map { [Float](repeating: 0, count: $0.count) }
            second = first
        }
        step += 1
        let c1 = 1 - powf(beta1, Float(step)), c2 = 1 - powf(beta2, Float(step))
        for p in parameters.indices {
            for i in 0..<parameters[p].count {
                var g = gradients[p].values[i]
                if weightDecay > 0 { g += weightDecay * parameters[p].values[i] }
                first[p][i] = beta1 * first[p][i] + (1 - beta1) * g
                second[p][i] = beta2 * second[p][i] + (1 - beta2) * g * g
                let mHat = first[p][i] / c1, vHat = second[p][i] / c2
                parameters[p].values[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
            }
        }
    }
}

import Foundation
