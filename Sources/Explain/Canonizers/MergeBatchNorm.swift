import Model

/// The BatchNorm canonizer: a batch norm whose input is a conv or dense layer's output that nothing else reads is
/// folded into that layer (scale = γ/√(var + eps), W' = W·scale, b' = (b − μ)·scale + β), so the rules see one affine
/// layer, wherever it sits in the graph. Any other batch norm stays, and relevance passes through it.
public enum MergeBatchNorm {
    public struct Outcome {
        public let model: Network
        /// Names of the batch norms folded away, and of those that stayed.
        public let merged: [String]
        public let kept: [String]
    }

    public static func apply(_ model: Network) throws -> Outcome {
        var layers = model.nodes.map(\.layer)
        var removed = Set<Int>()
        // The slot of a folded batch norm's output → the slot of the layer it was folded into.
        var alias: [Int: Int] = [:]
        var merged: [String] = [], kept: [String] = []
        for (index, node) in model.nodes.enumerated() {
            guard let norm = node.layer as? BatchNorm1d else { continue }
            let read = node.inputs[0], source = alias[read] ?? read
            let soleReader = model.consumers[read].count == 1 && !model.heads.contains { $0.slot == read }
            let producer = source > 0 && soleReader ? layers[source - 1] : nil
            if let conv = producer as? Conv1d {
                let (weight, bias) = fold(norm, weight: conv.weight, bias: conv.bias, perOutput: conv.spec.inChannels * conv.spec.kernelSize)
                var spec = conv.spec
                spec.bias = true
                layers[source - 1] = Conv1d(spec: spec, weight: weight, bias: bias)
            } else if let dense = producer as? Dense {
                let (weight, bias) = fold(norm, weight: dense.weight, bias: dense.bias, perOutput: dense.spec.inFeatures)
                var spec = dense.spec
                spec.bias = true
                layers[source - 1] = Dense(spec: spec, weight: weight, bias: bias)
            } else {
                kept.append(norm.spec.name)
                continue
            }
            merged.append(norm.spec.name)
            removed.insert(index)
            alias[index + 1] = source
        }
        guard !removed.isEmpty else { return Outcome(model: model, merged: [], kept: kept) }
        var architecture = model.architecture
        let remaining = layers.indices.filter { !removed.contains($0) }
        if architecture.isGraph {
            func name(_ slot: Int) -> String {
                let resolved = alias[slot] ?? slot
                return resolved == 0 ? Architecture.inputName : layers[resolved - 1].spec.name
            }
            architecture.layers = remaining.map { index in
                var spec = layers[index].spec
                spec.inputs = model.nodes[index].inputs.map(name)
                return spec
            }
            architecture.heads = zip(architecture.heads, model.heads).map { spec, head in
                HeadSpec(name: spec.name, node: name(head.slot), outputs: spec.outputs)
            }
        } else {
            architecture.layers = remaining.map { layers[$0].spec }
        }
        return Outcome(model: try Network(architecture: architecture, layers: remaining.map { layers[$0] }),
                       merged: merged, kept: kept)
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
