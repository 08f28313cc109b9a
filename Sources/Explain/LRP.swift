import Model

/// Layer-wise relevance propagation with optional pruning (PLRP-λ / PLRP-M), batched over windows.
///
/// Works on any graph model. Conv and dense layers use the composite's rules; max pooling (also global) gives each
/// output's relevance to its winning input; average pooling (also global), means and sums over a range, and `add`
/// use the epsilon rule on their own weights (zennit's `Norm`: each input gets its share of the value); `crop`
/// passes relevance to the kept positions and `concat` splits it by channel; activations, dropout, flatten and batch
/// norms that could not be merged pass relevance through. A value read by several nodes receives the sum of what
/// each sends back. Prunable layers are all conv/dense layers but the first ones (those reading the sequence through
/// parameter-free nodes only): the relevance each sends to its input is pruned per window.
public struct LRP: Sendable {
    public let model: Network
    public let composite: Composite
    public let pruning: PruningPlan
    public let outputRelevance: OutputRelevance
    /// ε of the stabiliser for rules other than epsilon and for average pooling.
    public let stabilizer: Float
    /// Batch norms folded into their conv/dense layer, and those kept.
    public let mergedBatchNorms: [String]
    public let keptBatchNorms: [String]
    /// Conv/dense nodes that read the sequence through parameter-free nodes only (the composite's "first" layers).
    private let firstLinear: Set<Int>
    /// Activation nodes that may overwrite their input in the forward pass.
    private let inPlace: Set<Int>
    /// For conv layers under zplus: the layer with [W; W⁺] and [b; b⁺] stacked, so that one im2col and one sgemm give
    /// the forward output and the rule's W⁺x + b⁺ together.
    private let stacked: [Int: Conv1d]

    public static let itemsPerChunk = 16

    public init(model: Network, composite: Composite = Composite(), pruning: PruningPlan = PruningPlan(),
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
        let network = self.model
        firstLinear = network.firstLinearNodes
        var stacked: [Int: Conv1d] = [:]
        for (index, node) in network.nodes.enumerated() {
            guard let conv = node.layer as? Conv1d,
                  composite.rule(for: conv.spec, isFirst: firstLinear.contains(index)) == .zPlus else { continue }
            var spec = conv.spec
            spec.outChannels *= 2
            spec.bias = true
            let bias = conv.bias?.values ?? [Float](repeating: 0, count: conv.spec.outChannels)
            stacked[index] = Conv1d(spec: spec, weight: Tensor(shape: [spec.outChannels] + conv.weight.shape.dropFirst(),
                                                               values: conv.weight.values + conv.weight.values.map { max($0, 0) }),
                                    bias: Tensor(shape: [spec.outChannels], values: bias + bias.map { max($0, 0) }))
        }
        self.stacked = stacked
        // An activation may overwrite its input when nothing else reads that value and the node that made it
        // explains itself from its input alone (conv, dense, another activation).
        inPlace = Set(network.nodes.indices.filter { index in
            let node = network.nodes[index]
            guard node.layer is Elementwise, let source = node.inputs.first, source > 0,
                  network.consumers[source].count == 1, !network.heads.contains(where: { $0.slot == source }) else { return false }
            let producer = network.nodes[source - 1].layer
            return producer is Conv1d || producer is Dense || producer is Elementwise
        })
    }

    /// Every slot's value, as `Network.activations`, plus W⁺x + b⁺ for the stacked zplus convs whose input has no
    /// negative value. Activations overwrite their input where `inPlace` allows: the relevance pass never reads that
    /// input, so its slot holds the activation's output too (saving a copy per layer). Only the nodes that the heads
    /// in `heads` (slots) depend on run; the others' slots hold empty tensors, which no relevance reaches. A stacked
    /// conv followed by its in-place ReLU (and the add of a residual block) writes all their values in one pass.
    private func forward(_ input: Tensor, heads: [Int], compute: Compute) -> (activations: [Tensor], positive: [Int: Tensor]) {
        var activations = [input]
        activations.reserveCapacity(model.shapes.count)
        var positive: [Int: Tensor] = [:]
        let needed = model.slots(reaching: heads)
        var index = 0
        while index < model.nodes.count {
            let node = model.nodes[index], layer = node.layer
            defer { index += 1 }
            guard needed.contains(index + 1) else {
                activations.append(Tensor(shape: [0], values: []))
                continue
            }
            if let join = layer as? JoinLayer {
                activations.append(join.forward(node.inputs.map { activations[$0] }))
                continue
            }
            let source = node.inputs[0]
            if inPlace.contains(index) {
                var x = activations[source]
                activations[source] = Tensor(shape: [0], values: [])
                layer.forward(inPlace: &x, compute: compute)
                activations[source] = x
                activations.append(x)
                continue
            }
            let x = activations[source]
            if let both = stacked[index], !VectorLoops.hasNegative(x.values) {
                // With its ReLU next (in place) and, after that, the add of a residual block, all in one pass.
                let activates = index + 1 < model.nodes.count && inPlace.contains(index + 1)
                    && model.nodes[index + 1].layer.spec.kind == .relu && needed.contains(index + 2)
                let residual = activates && model.residualBlockSource(at: index) == source && needed.contains(index + 3)
                if let out = both.forwardStacked(x, activate: activates, residual: residual, compute: compute) {
                    positive[index] = out.second
                    activations.append(out.first)
                    guard activates else { continue }
                    activations.append(out.first)
                    index += 1
                    if let sum = out.sum {
                        activations.append(sum)
                        index += 1
                    }
                    continue
                }
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
        model.nodes.enumerated().compactMap { index, node in
            guard node.layer is Conv1d || node.layer is Dense else { return nil }
            return (node.layer.spec.name, composite.rule(for: node.layer.spec, isFirst: firstLinear.contains(index)))
        }
    }

    /// Explains output `target` for every window of `input` (`[N, 4, L]`).
    public func explain(_ input: Tensor, target: Int, compute: Compute) -> Explanation {
        explain(input, targets: Array(repeating: target, count: input.shape[0]), compute: compute)
    }

    /// Explains scalar output `targets[i]` for window i.
    public func explain(_ input: Tensor, targets: [Int], compute: Compute) -> Explanation {
        explain(input, targets: targets.map { Target.scalar($0) }, compute: compute)
    }

    /// Explains `targets[i]` (a scalar output or a profile head) for window i; with `hypothetical`, also what each
    /// base would receive if it were the one present (`Explanation.hypothetical`).
    public func explain(_ input: Tensor, targets: [Target], hypothetical: Bool = false, compute: Compute) -> Explanation {
        let row = input.rowLength
        let parts = input.values.withUnsafeBufferPointer { x in
            compute.mapChunks(of: input.shape[0], chunk: model.chunkItems) { items in
                var unrecorded: [Tensor]? = nil
                return explainChunk(Tensor(shape: [items.count] + input.shape.dropFirst(),
                                           values: Array(x[(items.lowerBound * row)..<(items.upperBound * row)])),
                                    targets: Array(targets[items]), hypothetical: hypothetical, record: &unrecorded)
            }
        }
        var result = Explanation(relevance: Tensor(shape: input.shape, values: parts.flatMap(\.relevance.values)),
                                 logits: parts.flatMap(\.logits), outputRelevance: parts.flatMap(\.outputRelevance),
                                 inputSum: parts.flatMap(\.inputSum), absorbable: parts.flatMap(\.absorbable),
                                 orphanedNeurons: parts.reduce(0) { $0 + $1.orphanedNeurons }, worstLayerMassChange: 0)
        result.worstLayerMassChange = parts.map(\.worstLayerMassChange).max() ?? 0
        if hypothetical { result.hypothetical = Tensor(shape: input.shape, values: parts.flatMap { $0.hypothetical!.values }) }
        return result
    }

    /// The relevance at every slot (index 0: the input; i + 1: the output of node i, which for a chain is the input
    /// of layer i + 1), for inspection.
    func layerRelevances(_ input: Tensor, targets: [Int]) -> [Tensor] {
        var recorded: [Tensor]? = []
        _ = explainChunk(input, targets: targets.map { Target.scalar($0) }, hypothetical: false, record: &recorded)
        return recorded!
    }

    /// One chunk, on the calling thread; `record`, when not nil, receives every slot's relevance.
    private func explainChunk(_ input: Tensor, targets: [Target], hypothetical: Bool, record: inout [Tensor]?) -> Explanation {
        let serial = Compute(threads: 1)
        let (activations, positiveOutputs) = forward(input, heads: targetHeadSlots(targets), compute: serial)
        let n = input.shape[0]
        let (seeds, logits) = model.start(targets, headValues: { activations[$0.slot] })
        var relevance = [Tensor?](repeating: nil, count: model.shapes.count)
        var start = logits
        for (slot, seed) in seeds {
            relevance[slot] = outputRelevance == .logit ? seed : Self.unitScaled(seed, by: logits)
        }
        if outputRelevance == .one { start = start.map { _ in 1 } }
        var absorbable = [Float](repeating: 0, count: n)
        var orphans = 0
        var massChange = 0.0
        // First layers reading the sequence: their hypothetical terms, and the relevance they sent.
        var hypotheticalSum: Tensor? = nil, firstSum: Tensor? = nil
        func send(_ r: Tensor, to slot: Int) {
            if relevance[slot] == nil { relevance[slot] = r } else { relevance[slot]!.add(r) }
        }
        for index in stride(from: model.nodes.count - 1, through: 0, by: -1) {
            let node = model.nodes[index], layer = node.layer
            guard let upper = relevance[index + 1] else { continue }
            if record == nil { relevance[index + 1] = nil }
            if let join = layer as? JoinLayer {
                let inputs = node.inputs.map { activations[$0] }
                let parts = JoinRelevance.through(join, inputs: inputs, output: activations[index + 1], relevance: upper,
                                                  stabilizer: stabilizer, absorbable: &absorbable)
                for (slot, part) in zip(node.inputs, parts) { send(part, to: slot) }
                continue
            }
            let x = activations[node.inputs[0]], y = activations[index + 1]
            if let map = LinearMap(layer) {
                let isFirst = firstLinear.contains(index)
                let rule = composite.rule(for: layer.spec, isFirst: isFirst)
                let step = LinearRelevance(map: map, compute: serial, stabilizer: stabilizer)
                let readsSequence = hypothetical && isFirst && node.inputs[0] == 0
                let unpruned = step.relevance(rule, input: x, output: upper, positiveOutput: positiveOutputs[index],
                                              hypothetical: readsSequence)
                for i in 0..<n { absorbable[i] += unpruned.absorbable[i] }
                if readsSequence, let terms = unpruned.hypothetical {
                    hypotheticalSum = hypotheticalSum.map { $0.adding(terms) } ?? terms
                    firstSum = firstSum.map { $0.adding(unpruned.relevance) } ?? unpruned.relevance
                }
                var next = unpruned.relevance
                if !isFirst, let fractions = pruning.fractions(for: layer.spec.name) {
                    let pruned = prune(next, fractions: fractions, rule: rule, step: step, input: x, output: upper)
                    next = pruned.relevance
                    orphans += pruned.orphans
                    massChange = max(massChange, pruned.massChange)
                    for i in 0..<n { absorbable[i] += pruned.absorbable[i] }
                }
                send(next, to: node.inputs[0])
            } else {
                send(PoolingRelevance.through(layer, input: x, output: y, relevance: upper, stabilizer: stabilizer,
                                              absorbable: &absorbable), to: node.inputs[0])
            }
        }
        let inputRelevance = relevance[0] ?? Tensor(zeros: input.shape)
        if record != nil {
            record = relevance.enumerated().map { slot, r in r ?? Tensor(zeros: [n] + model.shapes[slot]) }
        }
        let row = inputRelevance.rowLength
        let sums = (0..<n).map { i in inputRelevance.values[(i * row)..<((i + 1) * row)].reduce(0, +) }
        var explanation = Explanation(relevance: inputRelevance, logits: logits, outputRelevance: start, inputSum: sums,
                                      absorbable: absorbable, orphanedNeurons: orphans, worstLayerMassChange: massChange)
        if hypothetical {
            // Relevance that reached the sequence some other way (not through a first conv/dense) stays as it is.
            var terms = inputRelevance
            if let hypotheticalSum, let firstSum { terms = hypotheticalSum.adding(inputRelevance.adding(firstSum.scaled(-1))) }
            explanation.hypothetical = terms
        }
        return explanation
    }

    /// The slots of the heads that `targets` start from.
    private func targetHeadSlots(_ targets: [Target]) -> [Int] {
        Array(Set(targets.map { model.head(of: $0).slot }))
    }

    /// Each window's part of `seed` divided by that window's target value (zennit's unit output relevance).
    private static func unitScaled(_ seed: Tensor, by values: [Float]) -> Tensor {
        var out = seed
        let row = seed.rowLength
        for i in 0..<values.count {
            let scale: Float = values[i] == 0 ? 0 : 1 / values[i]
            for j in (i * row)..<((i + 1) * row) { out.values[j] *= scale }
        }
        return out
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

