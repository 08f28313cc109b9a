import Model

/// Layer-wise relevance propagation with optional pruning (PLRP-λ / PLRP-M), batched over windows.
///
/// Conv and dense layers use the composite's rules; max pooling (also global) gives each output's relevance to its
/// winning input; average pooling (also global) uses the epsilon rule on its pooling weights (zennit's `Norm`);
/// activations, dropout, flatten and batch norms that could not be merged pass relevance through. Prunable layers are
/// all conv/dense layers but the first: the relevance at their input is pruned per window.
public struct LRP: Sendable {
    public let model: SequentialModel
    public let composite: Composite
    public let pruning: PruningPlan
    public let outputRelevance: OutputRelevance
    /// ε of the stabiliser for rules other than epsilon and for average pooling.
    public let stabilizer: Float
    /// Batch norms folded into their conv/dense layer, and those kept.
    public let mergedBatchNorms: [String]
    public let keptBatchNorms: [String]
    private let firstLinear: Int?
    /// For conv layers under zplus: the layer with [W; W⁺] and [b; b⁺] stacked, so that one im2col and one sgemm give
    /// the forward output and the rule's W⁺x + b⁺ together.
    private let stacked: [Int: Conv1d]

    public static let itemsPerChunk = 16

    public init(model: SequentialModel, composite: Composite = Composite(), pruning: PruningPlan = PruningPlan(),
                outputRelevance: OutputRelevance = .logit, mergeBatchNorm: Bool = true, stabilizer: Float = 1e-6) throws {
        if mergeBatchNorm {
            let outcome = try MergeBatchNorm.apply(model)
            self.model = outcome.model
            mergedBatchNorms = outcome.merged
            keptBatchNorms = outcome.kept
        } else {
            self.model = model
            mergedBatchNorms = []
            keptBatchNorms = model.layers.filter { $0.spec.kind == .batchnorm1d }.map(\.spec.name)
        }
        for name in Array(composite.overrides.keys) + Array(pruning.perLayer.keys)
        where !self.model.layers.contains(where: { $0.spec.kind.hasParameters && $0.spec.name == name }) {
            throw ExplainError("no conv or dense layer is named '\(name)' (see 'plrp model inspect')")
        }
        self.composite = composite
        self.pruning = pruning
        self.outputRelevance = outputRelevance
        self.stabilizer = stabilizer
        let first = self.model.layers.firstIndex { $0 is Conv1d || $0 is Dense }
        firstLinear = first
        var stacked: [Int: Conv1d] = [:]
        for (index, layer) in self.model.layers.enumerated() {
            guard let conv = layer as? Conv1d, composite.rule(for: conv.spec, isFirst: index == first) == .zPlus else { continue }
            var spec = conv.spec
            spec.outChannels *= 2
            spec.bias = true
            let bias = conv.bias?.values ?? [Float](repeating: 0, count: conv.spec.outChannels)
            stacked[index] = Conv1d(spec: spec, weight: Tensor(shape: [spec.outChannels] + conv.weight.shape.dropFirst(),
                                                               values: conv.weight.values + conv.weight.values.map { max($0, 0) }),
                                    bias: Tensor(shape: [spec.outChannels], values: bias + bias.map { max($0, 0) }))
        }
        self.stacked = stacked
    }

    /// Every layer's output, as `SequentialModel.activations`, plus W⁺x + b⁺ for the stacked zplus convs whose input
    /// has no negative value. Activation functions run in place: the relevance pass never reads their input, so
    /// their input slot holds their output too (saving a copy per layer).
    private func forward(_ input: Tensor, compute: Compute) -> (activations: [Tensor], positive: [Int: Tensor]) {
        var activations = [input]
        var positive: [Int: Tensor] = [:]
        for (index, layer) in model.layers.enumerated() {
            if layer is Elementwise {
                var x = activations.removeLast()
                layer.forward(inPlace: &x, compute: compute)
                activations += [x, x]
                continue
            }
            let x = activations.last!
            if let both = stacked[index], !x.values.contains(where: { $0 < 0 }) {
                let out = both.forward(x, compute: compute)
                let (n, channels, length) = (out.shape[0], out.shape[1] / 2, out.shape[2])
                var plain = Tensor(overwrittenShape: [n, channels, length])
                var plus = Tensor(overwrittenShape: [n, channels, length])
                let half = channels * length
                out.values.withUnsafeBufferPointer { source in
                    plain.values.withUnsafeMutableBufferPointer { p in
                        plus.values.withUnsafeMutableBufferPointer { q in
                            for item in 0..<n {
                                (p.baseAddress! + item * half).update(from: source.baseAddress! + 2 * item * half, count: half)
                                (q.baseAddress! + item * half).update(from: source.baseAddress! + (2 * item + 1) * half, count: half)
                            }
                        }
                    }
                }
                activations.append(plain)
                positive[index] = plus
            } else {
                activations.append(layer.forward(x, compute: compute))
            }
        }
        return (activations, positive)
    }

    /// The rule each conv/dense layer gets, by layer name, for manifests.
    public var rules: [(layer: String, rule: Rule)] {
        model.layers.enumerated().compactMap { index, layer in
            guard layer is Conv1d || layer is Dense else { return nil }
            return (layer.spec.name, composite.rule(for: layer.spec, isFirst: index == firstLinear))
        }
    }

    /// Explains output `target` for every window of `input` (`[N, 4, L]`).
    public func explain(_ input: Tensor, target: Int, compute: Compute) -> Explanation {
        explain(input, targets: Array(repeating: target, count: input.shape[0]), compute: compute)
    }

    /// Explains output `targets[i]` for window i.
    public func explain(_ input: Tensor, targets: [Int], compute: Compute) -> Explanation {
        let row = input.rowLength
        let parts = input.values.withUnsafeBufferPointer { x in
            compute.mapChunks(of: input.shape[0], chunk: Self.itemsPerChunk) { items in
                var unrecorded: [Tensor]? = nil
                return explainChunk(Tensor(shape: [items.count] + input.shape.dropFirst(),
                                           values: Array(x[(items.lowerBound * row)..<(items.upperBound * row)])),
                                    targets: Array(targets[items]), record: &unrecorded)
            }
        }
        var result = Explanation(relevance: Tensor(shape: input.shape, values: parts.flatMap(\.relevance.values)),
                                 logits: parts.flatMap(\.logits), outputRelevance: parts.flatMap(\.outputRelevance),
                                 inputSum: parts.flatMap(\.inputSum), absorbable: parts.flatMap(\.absorbable),
                                 orphanedNeurons: parts.reduce(0) { $0 + $1.orphanedNeurons }, worstLayerMassChange: 0)
        result.worstLayerMassChange = parts.map(\.worstLayerMassChange).max() ?? 0
        return result
    }

    /// The relevance at the input of every layer (index i: input of layer i; last: the output), for inspection.
    func layerRelevances(_ input: Tensor, targets: [Int]) -> [Tensor] {
        var recorded: [Tensor]? = []
        _ = explainChunk(input, targets: targets, record: &recorded)
        return recorded!
    }

    /// One chunk, on the calling thread; `record`, when not nil, receives every layer's input relevance.
    private func explainChunk(_ input: Tensor, targets: [Int], record: inout [Tensor]?) -> Explanation {
        let serial = Compute(threads: 1)
        let (activations, positiveOutputs) = forward(input, compute: serial)
        let n = input.shape[0], outputs = model.outputs.count
        var relevance = Tensor(zeros: activations.last!.shape)
        var logits = [Float](repeating: 0, count: n), start = logits
        for i in 0..<n {
            logits[i] = activations.last!.values[i * outputs + targets[i]]
            start[i] = outputRelevance == .logit ? logits[i] : 1
            relevance.values[i * outputs + targets[i]] = start[i]
        }
        var absorbable = [Float](repeating: 0, count: n)
        record?.insert(relevance, at: 0)
        var orphans = 0
        var massChange = 0.0
        for index in stride(from: model.layers.count - 1, through: 0, by: -1) {
            let layer = model.layers[index]
            let x = activations[index], y = activations[index + 1]
            if let map = LinearMap(layer) {
                let rule = composite.rule(for: layer.spec, isFirst: index == firstLinear)
                let step = LinearRelevance(map: map, compute: serial, stabilizer: stabilizer)
                let unpruned = step.relevance(rule, input: x, output: relevance, positiveOutput: positiveOutputs[index])
                for i in 0..<n { absorbable[i] += unpruned.absorbable[i] }
                var next = unpruned.relevance
                if index != firstLinear, let fractions = pruning.fractions(for: layer.spec.name) {
                    let pruned = prune(next, fractions: fractions, rule: rule, step: step, input: x, output: relevance)
                    next = pruned.relevance
                    orphans += pruned.orphans
                    massChange = max(massChange, pruned.massChange)
                    for i in 0..<n { absorbable[i] += pruned.absorbable[i] }
                }
                relevance = next
            } else {
                relevance = PoolingRelevance.through(layer, input: x, output: y, relevance: relevance, stabilizer: stabilizer,
                                                     absorbable: &absorbable)
            }
            record?.insert(relevance, at: 0)
        }
        let row = relevance.rowLength
        let sums = (0..<n).map { i in relevance.values[(i * row)..<((i + 1) * row)].reduce(0, +) }
        return Explanation(relevance: relevance, logits: logits, outputRelevance: start, inputSum: sums,
                           absorbable: absorbable, orphanedNeurons: orphans, worstLayerMassChange: massChange)
    }

    /// PLRP at one layer's input: λ scales the kept relevance, M redoes the step without the pruned neurons.
    private func prune(_ r: Tensor, fractions: (positive: Float, negative: Float), rule: Rule, step: LinearRelevance,
                       input x: Tensor, output upper: Tensor) -> (relevance: Tensor, orphans: Int, massChange: Double, absorbable: [Float]) {
        let n = r.shape[0], row = r.rowLength
        var mask = Tensor(overwrittenShape: r.shape)
        var scratch = RelevancePruning.Scratch()
        var masses: [RelevancePruning.Masses] = []
        masses.reserveCapacity(n)
        r.values.withUnsafeBufferPointer { values in
            mask.values.withUnsafeMutableBufferPointer { m in
                for i in 0..<n {
                    masses.append(RelevancePruning.mask(UnsafeBufferPointer(rebasing: values[(i * row)..<((i + 1) * row)]),
                                          positive: fractions.positive, negative: fractions.negative,
                                          mask: UnsafeMutableBufferPointer(rebasing: m[(i * row)..<((i + 1) * row)]), scratch: &scratch))
                }
            }
        }
        switch pruning.variant {
        case .lambda:
            var out = r
            var change = 0.0
            out.values.withUnsafeMutableBufferPointer { v in
                mask.values.withUnsafeBufferPointer { m in
                    for i in 0..<n {
                        let slice = UnsafeMutableBufferPointer(rebasing: v[(i * row)..<((i + 1) * row)])
                        change = max(change, RelevancePruning.scale(slice, mask: UnsafeBufferPointer(rebasing: m[(i * row)..<((i + 1) * row)]),
                                                                    masses: masses[i]))
                    }
                }
            }
            return (out, 0, change, Array(repeating: 0, count: n))
        case .m:
            let maskedInput = x.multiplied(by: mask)
            // Upper neurons with no unpruned contributor keep their relevance aside, to be spread afterwards.
            let reach = step.map.apply(maskedInput.map(abs), weight: step.map.weight.map(abs), bias: nil, compute: step.compute)
            var kept = upper
            let upperRow = upper.rowLength
            var orphanPositive = [Double](repeating: 0, count: n), orphanNegative = orphanPositive
            var orphans = 0
            for j in 0..<upper.count where reach.values[j] == 0 && upper.values[j] != 0 {
                let item = j / upperRow
                if upper.values[j] > 0 { orphanPositive[item] += Double(upper.values[j]) } else { orphanNegative[item] += Double(upper.values[j]) }
                kept.values[j] = 0
                orphans += 1
            }
            let redone = step.relevance(rule, input: maskedInput, output: kept)
            var out = redone.relevance.multiplied(by: mask)
            out.values.withUnsafeMutableBufferPointer { v in
                for i in 0..<n where orphanPositive[i] != 0 || orphanNegative[i] != 0 {
                    RelevancePruning.redistribute(UnsafeMutableBufferPointer(rebasing: v[(i * row)..<((i + 1) * row)]),
                                                  positive: orphanPositive[i], negative: orphanNegative[i])
                }
            }
            return (out, orphans, 0, redone.absorbable)
        }
    }
}

