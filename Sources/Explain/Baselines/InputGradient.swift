import Model

/// ∂ logit[target] / ∂ input for every window, through the layers' own backward passes (inference mode: dropout is
/// the identity, batch norm uses its running statistics). Gradient × input and saliency (|gradient|) build on it.
public enum InputGradient {
    /// Gradient × input: the first-order contribution of each input value.
    public static func timesInput(_ model: SequentialModel, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        self.compute(model, input: input, targets: targets, compute: compute).multiplied(by: input)
    }

    /// Saliency: |gradient|.
    public static func saliency(_ model: SequentialModel, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        self.compute(model, input: input, targets: targets, compute: compute).map(abs)
    }

    public static func compute(_ model: SequentialModel, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        let row = input.rowLength, outputs = model.outputs.count
        let parts = input.values.withUnsafeBufferPointer { x in
            compute.mapChunks(of: input.shape[0], chunk: LRP.itemsPerChunk) { items -> [Float] in
                let serial = Compute(threads: 1)
                let chunk = Tensor(shape: [items.count] + input.shape.dropFirst(),
                                   values: Array(x[(items.lowerBound * row)..<(items.upperBound * row)]))
                let activations = model.activations(chunk, compute: serial)
                var gradient = Tensor(zeros: activations.last!.shape)
                for (j, item) in items.enumerated() { gradient.values[j * outputs + targets[item]] = 1 }
                for index in stride(from: model.layers.count - 1, through: 0, by: -1) {
                    let layer = model.layers[index]
                    if let norm = layer as? BatchNorm1d {
                        let scale = norm.affine.scale
                        let length = gradient.shape.count == 3 ? gradient.shape[2] : 1
                        let channels = norm.spec.numFeatures
                        for i in 0..<gradient.count { gradient.values[i] *= scale[(i / length) % channels] }
                    } else {
                        let trainable = layer as! TrainableLayer
                        gradient = trainable.backward(input: activations[index], output: activations[index + 1],
                                                      cache: TrainingCache(), outputGradient: gradient, compute: serial).input
                    }
                }
                return gradient.values
            }
        }
        return Tensor(shape: input.shape, values: parts.flatMap { $0 })
    }
}

/// In-silico mutagenesis: every base of every window changed to each of the three others, in batched forward passes.
/// The score of a base is the mean drop of the target logit over its three substitutions (reference logit minus
/// mutant logit; positive = the base supports the output), placed in the reference base's channel; columns without
/// a reference base (N) score 0. Cost: 3·L forward passes per window.
public enum InSilicoMutagenesis {
    public static func compute(_ model: SequentialModel, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        let (n, length) = (input.shape[0], input.shape[2])
        let row = 4 * length, outputs = model.outputs.count
        let reference = model.logits(input, compute: compute)
        var scores = Tensor(zeros: input.shape)
        for window in 0..<n {
            let x = Array(input.values[(window * row)..<((window + 1) * row)])
            var bases = [Int](repeating: -1, count: length)
            for i in 0..<length { for c in 0..<4 where x[c * length + i] == 1 { bases[i] = c } }
            var mutants: [Float] = []
            var positions: [Int] = []
            mutants.reserveCapacity(3 * length * row)
            for i in 0..<length where bases[i] >= 0 {
                for c in 0..<4 where c != bases[i] {
                    var mutant = x
                    mutant[bases[i] * length + i] = 0
                    mutant[c * length + i] = 1
                    mutants.append(contentsOf: mutant)
                }
                positions.append(i)
            }
            guard !positions.isEmpty else { continue }
            let logits = model.logits(Tensor(shape: [positions.count * 3, 4, length], values: mutants), compute: compute)
            let ref = reference.values[window * outputs + targets[window]]
            for (k, i) in positions.enumerated() {
                var drop: Float = 0
                for m in 0..<3 { drop += ref - logits.values[(k * 3 + m) * outputs + targets[window]] }
                scores.values[window * row + bases[i] * length + i] = drop / 3
            }
        }
        return scores
    }
}
