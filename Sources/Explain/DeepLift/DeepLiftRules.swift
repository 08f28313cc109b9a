import Foundation
import Model

/// DeepLIFT's multipliers through the nodes that are not linear, for a batch of window–reference pairs: `input` and
/// `output` hold the windows' and the references' values, `multipliers` the multipliers at the output.
enum DeepLiftRules {
    /// Below this |Δx| the secant is unstable and the gradient at the window is used (tangermeme, Captum).
    static let threshold: Float = 1e-6

    /// The rescale rule: m · Δy/Δx element by element.
    static func rescale(_ layer: Elementwise, input: (Tensor, Tensor), output: (Tensor, Tensor), multipliers g: Tensor) -> Tensor {
        var result = layer.backward(input: input.0, output: output.0, cache: TrainingCache(), outputGradient: g,
                                    compute: Compute(threads: 1)).input
        result.values.withUnsafeMutableBufferPointer { m in
            for i in 0..<m.count {
                let dx = input.0.values[i] - input.1.values[i]
                if abs(dx) >= threshold { m[i] = g.values[i] * ((output.0.values[i] - output.1.values[i]) / dx) }
            }
        }
        return result
    }

    /// Max pooling: each output's change splits at max(y, y_ref) into the part above the reference's output, routed
    /// to the window's winner, and the rest, routed to the reference's winner; the sums per input are divided by the
    /// input's change (where it is exactly 0, the plain gradient: the multiplier at the window's winner).
    static func maxPool(_ layer: Layer, input: (Tensor, Tensor), output: (Tensor, Tensor), multipliers g: Tensor) -> Tensor {
        Tensor(shape: input.0.shape, values: maxPool(layer, shape: input.0.shape, x: input.0.values, r: input.1.values,
                                                     y: output.0.values, yRef: output.1.values, g: g.values))
    }

    /// The max-pooling rule on flat values of `[N, C, L]` inputs and their pooled outputs, in either precision.
    static func maxPool<T: BinaryFloatingPoint>(_ layer: Layer, shape: [Int], x: [T], r: [T], y: [T], yRef: [T], g: [T]) -> [T] {
        let (n, channels, length) = (shape[0], shape[1], shape[2])
        let isGlobal = layer.spec.kind == .globalMaxPool
        let kernel = isGlobal ? length : layer.spec.kernelSize, stride = isGlobal ? length : layer.spec.stride
        let lout = isGlobal ? 1 : (length - kernel) / stride + 1
        var routed = [T](repeating: 0, count: x.count), plain = routed
        func winner(_ values: [T], _ start: Int) -> Int {
            var best = start
            for j in (start + 1)..<(start + kernel) where values[j] > values[best] { best = j }
            return best
        }
        for row in 0..<(n * channels) {
            for t in 0..<lout {
                let o = row * lout + t, start = row * length + t * stride
                let top = max(y[o], yRef[o])
                let wx = winner(x, start), wr = winner(r, start)
                routed[wx] += g[o] * (top - yRef[o])
                routed[wr] += g[o] * (y[o] - top)
                plain[wx] += g[o]
            }
        }
        return x.indices.map { i in
            let dx = x[i] - r[i]
            return dx == 0 ? plain[i] : routed[i] / dx
        }
    }
}

/// Where DeepLIFT's multipliers start, for window–reference pairs laid out as `[windows; references]`.
enum DeepLiftTarget {
    /// The multipliers at the target's head for the pairs' windows, and the target's value for windows and
    /// references.
    static func seeds(_ model: Network, targets: [Target], activations: [Tensor?], pairs p: Int)
        -> (seeds: [Int: Tensor], values: [Float], referenceValues: [Float]) {
        var seeds: [Int: Tensor] = [:]
        var values = [Float](repeating: 0, count: p), referenceValues = values
        for (k, target) in targets.enumerated() {
            switch target {
            case .scalar(let index):
                let head = model.head(ofOutput: index)
                let width = head.shape[0], local = index - head.offset
                let logits = activations[head.slot]!.values
                values[k] = logits[k * width + local]
                referenceValues[k] = logits[(p + k) * width + local]
                if seeds[head.slot] == nil { seeds[head.slot] = Tensor(zeros: [p] + head.shape) }
                seeds[head.slot]!.values[k * width + local] = 1
            case .profile(let headIndex):
                let head = model.heads[headIndex], size = head.shape.reduce(1, *)
                let logits = activations[head.slot]!.values.map(Double.init)
                let (multipliers, y, yRef) = ProfileScalarDeepLift.multipliers(window: logits[(k * size)..<((k + 1) * size)],
                                                                               reference: logits[((p + k) * size)..<((p + k + 1) * size)])
                values[k] = Float(y)
                referenceValues[k] = Float(yRef)
                if seeds[head.slot] == nil { seeds[head.slot] = Tensor(zeros: [p] + head.shape) }
                for j in 0..<size { seeds[head.slot]!.values[k * size + j] = Float(multipliers[j]) }
            }
        }
        return (seeds, values, referenceValues)
    }
}

/// DeepLIFT through a profile head's scalar as bpnet-lite registers it: the logits ℓ are centred (c = ℓ − mean ℓ,
/// linear), then z = c ⊙ softmax(c) is one non-linearity under the rescale rule (bpnet-lite's `_ProfileLogitScaling`),
/// and y = Σ z. The softmax is not held constant here: window and reference each use their own.
enum ProfileScalarDeepLift {
    /// The multipliers at the logits, and y for the window and the reference.
    static func multipliers(window: ArraySlice<Double>, reference: ArraySlice<Double>)
        -> (multipliers: [Double], y: Double, referenceY: Double) {
        func scaled(_ logits: ArraySlice<Double>) -> (c: [Double], s: [Double], z: [Double]) {
            let mean = logits.reduce(0, +) / Double(logits.count)
            let c = logits.map { $0 - mean }
            let top = c.max()!
            let e = c.map { exp($0 - top) }, total = e.reduce(0, +)
            let s = e.map { $0 / total }
            return (c, s, zip(c, s).map { $0 * $1 })
        }
        let (c, s, z) = scaled(window), (cRef, _, zRef) = scaled(reference)
        let y = z.reduce(0, +)
        var m = [Double](repeating: 0, count: c.count)
        for j in c.indices {
            let dc = c[j] - cRef[j]
            // The gradient of Σ c ⊙ softmax(c) where the secant is unstable.
            m[j] = abs(dc) < Double(DeepLiftRules.threshold) ? s[j] * (1 + c[j] - y) : (z[j] - zRef[j]) / dc
        }
        let mean = m.reduce(0, +) / Double(m.count)
        return (m.map { $0 - mean }, y, zRef.reduce(0, +))
    }
}
