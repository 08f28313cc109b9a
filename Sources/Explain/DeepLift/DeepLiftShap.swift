import Model

/// DeepLIFT/SHAP as tangermeme's `deep_lift_shap` computes it: for each window and each of its references, the
/// multipliers of the target by DeepLIFT's rescale rule, then the hypothetical contributions
/// h_b = Σ_c (e_b − ref)_c · m_c of every base b at every position, averaged over the references.
///
/// Multipliers: linear nodes (conv, dense, batch norm at inference, average pooling, mean, sum, crop, flatten, add,
/// concat) pass them as gradients; element-wise non-linearities use Δy/Δx between the window and the reference, or
/// their gradient at the window where |Δx| < 1e-6; max pooling (also global) routes each output's change through the
/// window's winners (for the part above the reference's output) and the reference's winners (for the rest), summed
/// per input and divided by the input's change (the plain gradient where that change is exactly 0).
///
/// Profile-head targets run in float64 (as bpnet-lite runs them): their secant divides by logit changes that can be
/// far below float32's resolution of the logits while the softmax still moves.
public struct DeepLiftShap: Sendable {
    public let model: Network
    /// Window–reference pairs that go through the network together (fixed: results do not depend on threads).
    public static let pairsPerChunk = 8

    public init(model: Network) {
        self.model = model
    }

    public struct Result: Sendable {
        /// `[N, 4, L]`: the reference-averaged hypothetical contributions.
        public var hypothetical: Tensor
        /// `[N, 4, L]`: hypothetical ⊙ the window's one-hot (tangermeme's default output).
        public var projected: Tensor
        /// Per window, the target value and its mean over the references.
        public var targetValues: [Float]
        public var referenceMeans: [Float]
        /// Per window × reference: |Σ (x − ref)·m − (f(x) − f(ref))| and |f(x) − f(ref)|.
        public var deltas: [Float]
        public var outputDifferences: [Float]

        /// The worst convergence delta, absolute and relative to its pair's output difference.
        public var worstDelta: (absolute: Float, relative: Float) {
            var absolute: Float = 0, relative: Float = 0
            for (d, o) in zip(deltas, outputDifferences) {
                absolute = max(absolute, d)
                relative = max(relative, d / max(o, 1e-12))
            }
            return (absolute, relative)
        }
    }

    /// Explains `targets[i]` of window i of `input` (`[N, 4, L]`) against `references` (`[N, R, 4, L]`).
    public func explain(_ input: Tensor, references: Tensor, targets: [Target], compute: Compute) -> Result {
        let (n, r) = (input.shape[0], references.shape[1])
        precondition(references.shape == [n, r] + input.shape.dropFirst() && targets.count == n && r > 0)
        let row = input.rowLength
        let pairs = n * r
        // Per chunk of pairs: hypothetical contributions per pair, target values and deltas.
        let parts = input.values.withUnsafeBufferPointer { x in
            references.values.withUnsafeBufferPointer { refs in
                compute.mapChunks(of: pairs, chunk: Self.pairsPerChunk) { chunk -> ChunkResult in
                    var windows = [Float](), bases = [Float]()
                    windows.reserveCapacity(chunk.count * row)
                    bases.reserveCapacity(chunk.count * row)
                    for pair in chunk {
                        windows.append(contentsOf: x[((pair / r) * row)..<((pair / r + 1) * row)])
                        bases.append(contentsOf: refs[(pair * row)..<((pair + 1) * row)])
                    }
                    return pairChunk(Tensor(shape: [chunk.count] + input.shape.dropFirst(), values: windows),
                                     Tensor(shape: [chunk.count] + input.shape.dropFirst(), values: bases),
                                     targets: chunk.map { targets[$0 / r] })
                }
            }
        }
        var hypotheticalSums = [Double](repeating: 0, count: n * row)
        var result = Result(hypothetical: Tensor(zeros: input.shape), projected: Tensor(zeros: input.shape),
                            targetValues: [Float](repeating: 0, count: n), referenceMeans: [Float](repeating: 0, count: n),
                            deltas: [], outputDifferences: [])
        var referenceSums = [Double](repeating: 0, count: n)
        var pair = 0
        for part in parts {
            for k in 0..<part.values.count {
                let window = pair / r
                let base = window * row
                part.hypothetical.values.withUnsafeBufferPointer { h in
                    for j in 0..<row { hypotheticalSums[base + j] += Double(h[k * row + j]) }
                }
                result.targetValues[window] = part.values[k]
                referenceSums[window] += Double(part.referenceValues[k])
                result.deltas.append(part.deltas[k])
                result.outputDifferences.append(abs(part.values[k] - part.referenceValues[k]))
                pair += 1
            }
        }
        for window in 0..<n {
            result.referenceMeans[window] = Float(referenceSums[window] / Double(r))
            for j in (window * row)..<((window + 1) * row) {
                let h = Float(hypotheticalSums[j] / Double(r))
                result.hypothetical.values[j] = h
                result.projected.values[j] = h * input.values[j]
            }
        }
        return result
    }

    private struct ChunkResult {
        var hypothetical: Tensor
        var values: [Float]
        var referenceValues: [Float]
        var deltas: [Float]
    }

    /// One chunk of pairs on the calling thread: windows and references go through the network as one batch.
    private func pairChunk(_ x: Tensor, _ refs: Tensor, targets: [Target]) -> ChunkResult {
        if targets.contains(where: { if case .profile = $0 { true } else { false } }) {
            let (m, values, referenceValues) = DeepLiftFloat64.multipliers(model, windows: x, references: refs, targets: targets)
            return Self.contributions(x, refs, multipliers: m.values, values: values, referenceValues: referenceValues)
        }
        let serial = Compute(threads: 1)
        let p = x.shape[0]
        let both = Tensor(shape: [2 * p] + x.shape.dropFirst(), values: x.values + refs.values)
        // Only the targets' heads are needed, and only the values the non-linear rules read.
        var read = Set(targets.map { model.head(of: $0).slot })
        for (index, node) in model.nodes.enumerated() where Self.hasRule(node.layer) {
            read.insert(node.inputs[0])
            read.insert(index + 1)
        }
        let activations = model.activations(both, keeping: read, compute: serial)
        func half(_ t: Tensor, _ second: Bool) -> Tensor {
            let row = t.rowLength
            return Tensor(shape: [p] + t.shape.dropFirst(), values: Array(t.values[(second ? p * row : 0)..<((second ? 2 : 1) * p * row)]))
        }
        func halves(_ slot: Int) -> (Tensor, Tensor) { (half(activations[slot]!, false), half(activations[slot]!, true)) }
        let (seeds, values, referenceValues) = DeepLiftTarget.seeds(model, targets: targets, activations: activations, pairs: p)
        // Linear nodes only need their input's shape.
        let multipliers = InputGradient.backward(model, activation: { Tensor(overwrittenShape: [p] + model.shapes[$0]) },
                                                 seeds: seeds, compute: serial) { index, g in
            let node = model.nodes[index], layer = node.layer
            guard Self.hasRule(layer) else { return nil }
            let (xIn, rIn) = halves(node.inputs[0]), (xOut, rOut) = halves(index + 1)
            if layer is Elementwise {
                return DeepLiftRules.rescale(layer as! Elementwise, input: (xIn, rIn), output: (xOut, rOut), multipliers: g)
            }
            return DeepLiftRules.maxPool(layer, input: (xIn, rIn), output: (xOut, rOut), multipliers: g)
        }
        return Self.contributions(x, refs, multipliers: multipliers.values.map(Double.init), values: values.map(Double.init),
                                  referenceValues: referenceValues.map(Double.init))
    }

    /// Nodes whose multipliers depend on the values (DeepLIFT's rules); every other node is linear.
    static func hasRule(_ layer: Layer) -> Bool {
        switch layer.spec.kind {
        case .maxpool1d, .globalMaxPool, .relu, .elu, .exp, .sigmoid, .tanh, .softplus, .gelu, .leakyRelu: true
        default: false
        }
    }

    /// Hypothetical contributions h_b = m_b − Σ_c ref_c m_c per pair, and the delta |Σ (x − ref)·m − Δf|.
    private static func contributions(_ x: Tensor, _ refs: Tensor, multipliers m: [Double], values: [Double],
                                      referenceValues: [Double]) -> ChunkResult {
        let p = x.shape[0], length = x.shape[2], row = 4 * length
        var hypothetical = Tensor(overwrittenShape: x.shape)
        var deltas = [Float](repeating: 0, count: p)
        for k in 0..<p {
            var sum = 0.0
            for t in 0..<length {
                var reference = 0.0
                for c in 0..<4 {
                    let i = k * row + c * length + t
                    reference += Double(refs.values[i]) * m[i]
                    sum += Double(x.values[i] - refs.values[i]) * m[i]
                }
                for c in 0..<4 {
                    let i = k * row + c * length + t
                    hypothetical.values[i] = Float(m[i] - reference)
                }
            }
            deltas[k] = Float(abs(sum - (values[k] - referenceValues[k])))
        }
        return ChunkResult(hypothetical: hypothetical, values: values.map { Float($0) },
                           referenceValues: referenceValues.map { Float($0) }, deltas: deltas)
    }
}
