import Foundation

/// Batch normalisation at inference, as PyTorch's `BatchNorm1d` in eval mode: per channel,
/// y = (x − running_mean) / √(running_var + eps) · weight + bias. Works on `[C, L]` and `[F]` items.
public struct BatchNorm1d: Layer {
    public let spec: LayerSpec
    public var weight: Tensor
    public var bias: Tensor
    public var runningMean: Tensor
    public var runningVar: Tensor

    public init(spec: LayerSpec, weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor) {
        self.spec = spec
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVar = runningVar
    }

    public var parameters: [(suffix: String, tensor: Tensor)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
    }

    /// Per channel (scale, shift) with y = x·scale + shift, computed in double precision.
    public var affine: (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: spec.numFeatures)
        var shift = scale
        for c in 0..<spec.numFeatures {
            let s = Double(weight.values[c]) / (Double(runningVar.values[c]) + spec.eps).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(bias.values[c]) - Double(runningMean.values[c]) * s)
        }
        return (scale, shift)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard (input.count == 2 || input.count == 1), input[0] == spec.numFeatures else {
            throw ModelError("layer \"\(spec.name)\" (batchnorm1d) expects \(spec.numFeatures) channels, gets input \(input)")
        }
        return input
    }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let channels = spec.numFeatures
        let length = input.shape.count == 3 ? input.shape[2] : 1
        var output = input
        // PyTorch evaluates (x − mean) / sqrt(var + eps) · weight + bias in float; doing the same keeps parity.
        let inverse = (0..<channels).map { 1 / (runningVar.values[$0] + Float(spec.eps)).squareRoot() }
        output.values.withUnsafeMutableBufferPointer { y in
            for item in 0..<input.shape[0] {
                for c in 0..<channels {
                    let base = (item * channels + c) * length
                    let mean = runningMean.values[c], inv = inverse[c], w = weight.values[c], b = bias.values[c]
                    for t in 0..<length { y[base + t] = (y[base + t] - mean) * inv * w + b }
                }
            }
        }
        return output
    }
}
