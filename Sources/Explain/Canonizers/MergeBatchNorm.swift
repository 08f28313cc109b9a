import Model

/// The BatchNorm canonizer: a batch norm directly after a conv or dense layer is folded into it (SPEC §4:
/// scale = γ/√(var + eps), W' = W·scale, b' = (b − μ)·scale + β), so the rules see one affine layer. A batch norm
/// anywhere else stays, and relevance passes through it.
public enum MergeBatchNorm {
    public struct Outcome {
        public let model: SequentialModel
        /// Names of the batch norms folded away, and of those that stayed.
        public let merged: [String]
        public let kept: [String]
    }

    public static func apply(_ model: SequentialModel) throws -> Outcome {
        var layers: [Layer] = []
        var merged: [String] = [], kept: [String] = []
        for layer in model.layers {
            guard let norm = layer as? BatchNorm1d else {
                layers.append(layer)
                continue
            }
            let previous = layers.last
            if let conv = previous as? Conv1d {
                let (weight, bias) = fold(norm, weight: conv.weight, bias: conv.bias, perOutput: conv.spec.inChannels * conv.spec.kernelSize)
                var spec = conv.spec
                spec.bias = true
                layers[layers.count - 1] = Conv1d(spec: spec, weight: weight, bias: bias)
                merged.append(norm.spec.name)
            } else if let dense = previous as? Dense {
                let (weight, bias) = fold(norm, weight: dense.weight, bias: dense.bias, perOutput: dense.spec.inFeatures)
                var spec = dense.spec
                spec.bias = true
                layers[layers.count - 1] = Dense(spec: spec, weight: weight, bias: bias)
                merged.append(norm.spec.name)
            } else {
                layers.append(layer)
                kept.append(norm.spec.name)
            }
        }
        var architecture = model.architecture
        architecture.layers = layers.map(\.spec)
        return Outcome(model: try SequentialModel(architecture: architecture, layers: layers), merged: merged, kept: kept)
    }

    private static func fold(_ norm: BatchNorm1d, weight: Tensor, bias: Tensor?, perOutput: Int) -> (Tensor, Tensor) {
        var w = weight
        var b = Tensor(zeros: [norm.spec.numFeatures])
        for c in 0..<norm.spec.numFeatures {
            let scale = Double(norm.weight.values[c]) / (Double(norm.runningVar.values[c]) + norm.spec.eps).squareRoot()
            for i in 0..<perOutput { w.values[c * perOutput + i] = Float(Double(weight.values[c * perOutput + i]) * scale) }
            let original = Double(bias?.values[c] ?? 0)
            b.values[c] = Float((original - Double(norm.runningMean.values[c])) * scale + Double(norm.bias.values[c]))
        }
        return (w, b)
    }
}
