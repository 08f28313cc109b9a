import Model

/// DeepLIFT's multipliers in float64 (forward and backward), for targets whose rule float32 cannot carry: the profile
/// head's scaled logits, whose secant Δz/Δc divides by logit changes that can be tiny while the softmax still moves
/// (bpnet-lite computes these in float64 too).
enum DeepLiftFloat64 {
    /// Multipliers at the input for the pairs' windows, and the target values of windows and references.
    static func multipliers(_ model: Network, windows x: Tensor, references refs: Tensor, targets: [Target])
        -> (multipliers: Tensor64, values: [Double], referenceValues: [Double]) {
        let p = x.shape[0]
        let activations = model.activations64(Tensor(shape: [2 * p] + x.shape.dropFirst(), values: x.values + refs.values))
        func half(_ t: Tensor64, _ second: Bool) -> Tensor64 {
            let row = t.rowLength
            return Tensor64(shape: [p] + t.shape.dropFirst(), values: Array(t.values[(second ? p * row : 0)..<((second ? 2 : 1) * p * row)]))
        }
        var gradients = [Tensor64?](repeating: nil, count: model.shapes.count)
        var values = [Double](repeating: 0, count: p), referenceValues = values
        for (k, target) in targets.enumerated() {
            switch target {
            case .scalar(let index):
                let head = model.head(ofOutput: index)
                let width = head.shape[0], local = index - head.offset
                values[k] = activations[head.slot].values[k * width + local]
                referenceValues[k] = activations[head.slot].values[(p + k) * width + local]
                if gradients[head.slot] == nil { gradients[head.slot] = Tensor64(zeros: [p] + head.shape) }
                gradients[head.slot]!.values[k * width + local] = 1
            case .profile(let headIndex):
                let head = model.heads[headIndex], size = head.shape.reduce(1, *)
                let logits = activations[head.slot].values
                let (m, y, yRef) = ProfileScalarDeepLift.multipliers(window: logits[(k * size)..<((k + 1) * size)],
                                                                     reference: logits[((p + k) * size)..<((p + k + 1) * size)])
                values[k] = y
                referenceValues[k] = yRef
                if gradients[head.slot] == nil { gradients[head.slot] = Tensor64(zeros: [p] + head.shape) }
                for j in 0..<size { gradients[head.slot]!.values[k * size + j] = m[j] }
            }
        }
        func send(_ g: Tensor64, to slot: Int) {
            if gradients[slot] == nil {
                gradients[slot] = g
            } else {
                for i in 0..<g.count { gradients[slot]!.values[i] += g.values[i] }
            }
        }
        for index in stride(from: model.nodes.count - 1, through: 0, by: -1) {
            let node = model.nodes[index], layer = node.layer
            guard let g = gradients[index + 1] else { continue }
            gradients[index + 1] = nil
            if layer is Add {
                for slot in node.inputs { send(g, to: slot) }
                continue
            }
            if layer is Concat {
                var offset = 0
                let total = g.rowLength
                for slot in node.inputs {
                    let row = model.shapes[slot].reduce(1, *)
                    var part = Tensor64(zeros: [p] + model.shapes[slot])
                    for item in 0..<p {
                        for j in 0..<row { part.values[item * row + j] = g.values[item * total + offset + j] }
                    }
                    send(part, to: slot)
                    offset += row
                }
                continue
            }
            let source = node.inputs[0]
            let x = half(activations[source], false), r = half(activations[source], true)
            let y = half(activations[index + 1], false), yRef = half(activations[index + 1], true)
            send(backward(layer, g, input: (x, r), output: (y, yRef)), to: source)
        }
        return (gradients[0] ?? Tensor64(zeros: [p] + model.shapes[0]), values, referenceValues)
    }

    /// One node's multipliers at its input from those at its output.
    static func backward(_ layer: Layer, _ g: Tensor64, input: (Tensor64, Tensor64), output: (Tensor64, Tensor64)) -> Tensor64 {
        let (x, r) = input
        switch layer {
        case let conv as Conv1d:
            return Float64Layers.convolutionAdjoint(conv, g, inputLength: x.shape[2])
        case let dense as Dense:
            return Float64Layers.denseAdjoint(dense, g)
        case let norm as BatchNorm1d:
            var out = g
            let channels = norm.spec.numFeatures, length = g.shape.count == 3 ? g.shape[2] : 1
            for i in 0..<g.count {
                let c = (i / length) % channels
                out.values[i] *= Double(norm.weight.values[c]) / (Double(norm.runningVar.values[c]) + norm.spec.eps).squareRoot()
            }
            return out
        case let f as Elementwise:
            guard ![.dropout, .identity].contains(f.spec.kind) else { return g }
            var out = g
            for i in 0..<g.count {
                let dx = x.values[i] - r.values[i]
                out.values[i] *= abs(dx) < Double(DeepLiftRules.threshold)
                    ? Float64Layers.derivative(f.spec, x.values[i]) : (output.0.values[i] - output.1.values[i]) / dx
            }
            return out
        case is Pool1d, is GlobalPool:
            if layer.spec.kind == .avgpool1d || layer.spec.kind == .globalAvgPool {
                let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
                let isGlobal = layer is GlobalPool
                let kernel = isGlobal ? length : layer.spec.kernelSize, stride = isGlobal ? length : layer.spec.stride
                let lout = isGlobal ? 1 : output.0.shape[2]
                var out = Tensor64(zeros: x.shape)
                for row in 0..<(n * channels) {
                    for t in 0..<lout {
                        for j in 0..<kernel { out.values[row * length + t * stride + j] += g.values[row * lout + t] / Double(kernel) }
                    }
                }
                return out
            }
            return Tensor64(shape: x.shape, values: DeepLiftRules.maxPool(layer, shape: x.shape, x: x.values, r: r.values,
                                                                         y: output.0.values, yRef: output.1.values, g: g.values))
        case is Flatten:
            return Tensor64(shape: x.shape, values: g.values)
        case let range as LengthRange:
            let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
            let kept = range.range(length: length)
            var out = Tensor64(zeros: x.shape)
            for row in 0..<(n * channels) {
                for (j, t) in kept.enumerated() {
                    out.values[row * length + t] = range.spec.kind == .crop ? g.values[row * kept.count + j]
                        : range.spec.kind == .mean ? g.values[row] / Double(kept.count) : g.values[row]
                }
            }
            return out
        default:
            preconditionFailure("no float64 DeepLIFT rule for \(layer.spec.kind)")
        }
    }
}
