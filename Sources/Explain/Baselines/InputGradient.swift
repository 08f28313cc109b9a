import Model

/// ∂ target / ∂ input for every window, through the nodes' own backward passes (inference mode: dropout is the
/// identity, batch norm uses its running statistics). A profile target is its scalar y with the softmax weights held
/// constant. Gradient × input and saliency (|gradient|) build on it.
public enum InputGradient {
    /// Gradient × input: the first-order contribution of each input value.
    public static func timesInput(_ model: Network, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        timesInput(model, input: input, targets: targets.map { Target.scalar($0) }, compute: compute)
    }

    public static func timesInput(_ model: Network, input: Tensor, targets: [Target], compute: Compute) -> Tensor {
        self.compute(model, input: input, targets: targets, compute: compute).multiplied(by: input)
    }

    /// Saliency: |gradient|.
    public static func saliency(_ model: Network, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        saliency(model, input: input, targets: targets.map { Target.scalar($0) }, compute: compute)
    }

    public static func saliency(_ model: Network, input: Tensor, targets: [Target], compute: Compute) -> Tensor {
        self.compute(model, input: input, targets: targets, compute: compute).map(abs)
    }

    public static func compute(_ model: Network, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        self.compute(model, input: input, targets: targets.map { Target.scalar($0) }, compute: compute)
    }

    public static func compute(_ model: Network, input: Tensor, targets: [Target], compute: Compute) -> Tensor {
        let row = input.rowLength
        let parts = input.values.withUnsafeBufferPointer { x in
            compute.mapChunks(of: input.shape[0], chunk: LRP.itemsPerChunk) { items -> [Float] in
                let serial = Compute(threads: 1)
                let chunk = Tensor(shape: [items.count] + input.shape.dropFirst(),
                                   values: Array(x[(items.lowerBound * row)..<(items.upperBound * row)]))
                let activations = model.activations(chunk, compute: serial)
                let seeds = gradientSeeds(model, targets: Array(targets[items]), activations: activations)
                return backward(model, activation: { activations[$0] }, seeds: seeds, compute: serial).values
            }
        }
        return Tensor(shape: input.shape, values: parts.flatMap { $0 })
    }

    /// ∂ target / ∂ head values: 1 at a scalar target, w_j − 1/M over a profile head.
    static func gradientSeeds(_ model: Network, targets: [Target], activations: [Tensor]) -> [Int: Tensor] {
        var seeds: [Int: Tensor] = [:]
        for (i, target) in targets.enumerated() {
            switch target {
            case .scalar(let index):
                let head = model.head(ofOutput: index)
                let width = head.shape[0]
                if seeds[head.slot] == nil { seeds[head.slot] = Tensor(zeros: activations[head.slot].shape) }
                seeds[head.slot]!.values[i * width + index - head.offset] = 1
            case .profile(let headIndex):
                let head = model.heads[headIndex], size = head.shape.reduce(1, *)
                let gradient = activations[head.slot].values.withUnsafeBufferPointer {
                    ProfileScalar.gradient(UnsafeBufferPointer(rebasing: $0[(i * size)..<((i + 1) * size)]))
                }
                if seeds[head.slot] == nil { seeds[head.slot] = Tensor(zeros: activations[head.slot].shape) }
                for j in 0..<size { seeds[head.slot]!.values[i * size + j] = gradient[j] }
            }
        }
        return seeds
    }

    /// The input gradient from gradients at some slots, node by node in reverse; a value read by several nodes gets
    /// the sum of their gradients. `rule`, when it returns a tensor for a node, replaces that node's local gradient
    /// (DeepLIFT's multipliers); `activation` gives each slot's value for the items being differentiated.
    static func backward(_ model: Network, activation: (Int) -> Tensor, seeds: [Int: Tensor], compute: Compute,
                         rule: (_ node: Int, _ outputGradient: Tensor) -> Tensor? = { _, _ in nil }) -> Tensor {
        var gradients = [Tensor?](repeating: nil, count: model.shapes.count)
        for (slot, seed) in seeds { gradients[slot] = seed }
        func send(_ g: Tensor, to slot: Int) {
            if gradients[slot] == nil { gradients[slot] = g } else { gradients[slot] = gradients[slot]!.adding(g) }
        }
        for index in stride(from: model.nodes.count - 1, through: 0, by: -1) {
            let node = model.nodes[index]
            guard var gradient = gradients[index + 1] else { continue }
            gradients[index + 1] = nil
            if let join = node.layer as? JoinLayer {
                let parts = join.backward(inputs: node.inputs.map(activation), outputGradient: gradient)
                for (slot, part) in zip(node.inputs, parts) { send(part, to: slot) }
                continue
            }
            if let replaced = rule(index, gradient) {
                gradient = replaced
            } else if let conv = node.layer as? Conv1d {
                // Wᵀg alone (the direct kernel where it applies): the weights' gradients are not needed here.
                gradient = conv.transposed(gradient, inputLength: model.shapes[node.inputs[0]][1], compute: compute)
            } else if let dense = node.layer as? Dense {
                gradient = dense.transposed(gradient, compute: compute)
            } else if let norm = node.layer as? BatchNorm1d {
                let scale = norm.affine.scale
                let length = gradient.shape.count == 3 ? gradient.shape[2] : 1
                let channels = norm.spec.numFeatures
                for i in 0..<gradient.count { gradient.values[i] *= scale[(i / length) % channels] }
            } else {
                let trainable = node.layer as! TrainableLayer
                gradient = trainable.backward(input: activation(node.inputs[0]), output: activation(index + 1),
                                              cache: TrainingCache(), outputGradient: gradient, compute: compute).input
            }
            send(gradient, to: node.inputs[0])
        }
        return gradients[0] ?? Tensor(zeros: [seeds.values.first?.shape[0] ?? 0] + model.shapes[0])
    }
}

/// In-silico mutagenesis: every base of every window changed to each of the three others, in batched forward passes.
/// The score of a base is the mean drop of the target value (logit or profile scalar) over its three substitutions (reference logit minus
/// mutant logit; positive = the base supports the output), placed in the reference base's channel; columns without
/// a reference base (N) score 0. Cost: 3·L forward passes per window.
public enum InSilicoMutagenesis {
    public static func compute(_ model: Network, input: Tensor, targets: [Int], compute: Compute) -> Tensor {
        self.compute(model, input: input, targets: targets.map { Target.scalar($0) }, compute: compute)
    }

    public static func compute(_ model: Network, input: Tensor, targets: [Target], compute: Compute) -> Tensor {
        let (n, length) = (input.shape[0], input.shape[2])
        let row = 4 * length
        let reference = model.targetValues(input, targets: targets, compute: compute)
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
            let scores3 = model.targetValues(Tensor(shape: [positions.count * 3, 4, length], values: mutants),
                                             targets: Array(repeating: targets[window], count: positions.count * 3), compute: compute)
            let ref = reference[window]
            for (k, i) in positions.enumerated() {
                var drop: Float = 0
                for m in 0..<3 { drop += ref - scores3[k * 3 + m] }
                scores.values[window * row + bases[i] * length + i] = drop / 3
            }
        }
        return scores
    }
}
