import CKernels
import Foundation

/// A batch of values in float64, `[N, …]` in C order.
public struct Tensor64: Sendable {
    public var shape: [Int]
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        precondition(values.count == shape.reduce(1, *), "values must fill the shape")
        self.shape = shape
        self.values = values
    }

    public init(zeros shape: [Int]) { self.init(shape: shape, values: [Double](repeating: 0, count: shape.reduce(1, *))) }

    public init(_ tensor: Tensor) { self.init(shape: tensor.shape, values: tensor.values.map(Double.init)) }

    public var count: Int { values.count }
    public var rowLength: Int { shape.dropFirst().reduce(1, *) }
}

/// The network in float64, node by node with plain loops and dgemm: for computations whose conditioning float32
/// cannot carry (DeepLIFT through a profile head's softmax, where window and reference logits nearly agree). The
/// parameters are the float32 ones, widened. Single-threaded and slower than `Network.activations`.
extension Network {
    public func activations64(_ input: Tensor) -> [Tensor64] {
        var values = [Tensor64(input)]
        values.reserveCapacity(shapes.count)
        for node in nodes { values.append(Float64Layers.forward(node.layer, node.inputs.map { values[$0] })) }
        return values
    }
}

/// Float64 forward passes and the linear adjoints DeepLIFT needs, one layer type at a time.
public enum Float64Layers {
    public static func forward(_ layer: Layer, _ inputs: [Tensor64]) -> Tensor64 {
        let x = inputs[0]
        switch layer {
        case let conv as Conv1d: return convolve(conv, x)
        case let dense as Dense:
            let n = x.shape[0], fin = dense.spec.inFeatures, fout = dense.spec.outFeatures
            var out = Tensor64(zeros: [n, fout])
            let w = dense.weight.values.map(Double.init)
            plrp_dgemm(0, 1, Int32(n), Int32(fout), Int32(fin), 1, x.values, Int32(fin), w, Int32(fin), 0, &out.values, Int32(fout))
            if let bias = dense.bias { for i in 0..<n { for o in 0..<fout { out.values[i * fout + o] += Double(bias.values[o]) } } }
            return out
        case let norm as BatchNorm1d:
            var out = x
            let channels = norm.spec.numFeatures, length = x.shape.count == 3 ? x.shape[2] : 1
            for i in 0..<x.count {
                let c = (i / length) % channels
                let inverse = 1 / (Double(norm.runningVar.values[c]) + norm.spec.eps).squareRoot()
                out.values[i] = (x.values[i] - Double(norm.runningMean.values[c])) * inverse * Double(norm.weight.values[c])
                    + Double(norm.bias.values[c])
            }
            return out
        case let f as Elementwise:
            var out = x
            for i in 0..<x.count { out.values[i] = value(f.spec, x.values[i]) }
            return out
        case let pool as Pool1d:
            let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
            let k = pool.spec.kernelSize, stride = pool.spec.stride, lout = (length - k) / stride + 1
            var out = Tensor64(zeros: [n, channels, lout])
            for row in 0..<(n * channels) {
                for t in 0..<lout {
                    let window = x.values[(row * length + t * stride)..<(row * length + t * stride + k)]
                    out.values[row * lout + t] = pool.spec.kind == .maxpool1d ? window.max()! : window.reduce(0, +) / Double(k)
                }
            }
            return out
        case let pool as GlobalPool:
            let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
            var out = Tensor64(zeros: [n, channels])
            for row in 0..<(n * channels) {
                let window = x.values[(row * length)..<((row + 1) * length)]
                out.values[row] = pool.spec.kind == .globalMaxPool ? window.max()! : window.reduce(0, +) / Double(length)
            }
            return out
        case is Flatten:
            return Tensor64(shape: [x.shape[0], x.rowLength], values: x.values)
        case let range as LengthRange:
            let (n, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
            let kept = range.range(length: length)
            if range.spec.kind == .crop {
                var out = Tensor64(zeros: [n, channels, kept.count])
                for row in 0..<(n * channels) {
                    for (j, t) in kept.enumerated() { out.values[row * kept.count + j] = x.values[row * length + t] }
                }
                return out
            }
            var out = Tensor64(zeros: [n, channels])
            for row in 0..<(n * channels) {
                let total = x.values[(row * length + kept.lowerBound)..<(row * length + kept.upperBound)].reduce(0, +)
                out.values[row] = range.spec.kind == .mean ? total / Double(kept.count) : total
            }
            return out
        case is Add:
            var out = x
            for other in inputs.dropFirst() { for i in 0..<out.count { out.values[i] += other.values[i] } }
            return out
        case is Concat:
            let n = x.shape[0], rows = inputs.map(\.rowLength)
            var values: [Double] = []
            values.reserveCapacity(n * rows.reduce(0, +))
            for item in 0..<n {
                for (input, row) in zip(inputs, rows) { values += input.values[(item * row)..<((item + 1) * row)] }
            }
            return Tensor64(shape: [n, inputs.reduce(0) { $0 + $1.shape[1] }] + x.shape.dropFirst(2), values: values)
        default:
            preconditionFailure("no float64 forward for \(layer.spec.kind)")
        }
    }

    /// f(x) for an element-wise node.
    public static func value(_ spec: LayerSpec, _ v: Double) -> Double {
        switch spec.kind {
        case .relu: return max(v, 0)
        case .elu: return v > 0 ? v : expm1(v)
        case .exp: return exp(v)
        case .sigmoid: return 1 / (1 + exp(-v))
        case .tanh: return tanh(v)
        case .softplus: return v > 20 ? v : log1p(exp(v))
        case .leakyRelu: return v < 0 ? v * spec.negativeSlope : v
        case .gelu:
            if spec.tanhApproximation { return 0.5 * v * (1 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))) }
            return 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
        default: return v
        }
    }

    /// f′(x) for an element-wise node (PyTorch's conventions at kinks: ReLU′(0) = 0).
    public static func derivative(_ spec: LayerSpec, _ v: Double) -> Double {
        switch spec.kind {
        case .relu: return v > 0 ? 1 : 0
        case .elu: return v > 0 ? 1 : exp(v)
        case .exp: return exp(v)
        case .sigmoid:
            let s = 1 / (1 + exp(-v))
            return s * (1 - s)
        case .tanh:
            let t = tanh(v)
            return 1 - t * t
        case .softplus: return v > 20 ? 1 : 1 / (1 + exp(-v))
        case .leakyRelu: return v < 0 ? spec.negativeSlope : 1
        case .gelu:
            if spec.tanhApproximation {
                let u = 0.7978845608028654 * (v + 0.044715 * v * v * v), t = tanh(u)
                return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * 0.7978845608028654 * (1 + 3 * 0.044715 * v * v)
            }
            return 0.5 * (1 + erf(v / 2.0.squareRoot())) + v * exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
        default: return 1
        }
    }

    /// The im2col matrix of one item: rows (channel, tap), columns output positions.
    static func columns(_ conv: Conv1d, _ x: Tensor64, item: Int, lout: Int) -> [Double] {
        let (cin, length) = (x.shape[1], x.shape[2]), k = conv.spec.kernelSize
        var cols = [Double](repeating: 0, count: cin * k * lout)
        for c in 0..<cin {
            for j in 0..<k {
                for t in 0..<lout {
                    let p = t * conv.spec.stride + j * conv.spec.dilation - conv.padding.left
                    if p >= 0 && p < length { cols[(c * k + j) * lout + t] = x.values[(item * cin + c) * length + p] }
                }
            }
        }
        return cols
    }

    static func convolve(_ conv: Conv1d, _ x: Tensor64) -> Tensor64 {
        let n = x.shape[0], cout = conv.spec.outChannels, lout = conv.outputLength(for: x.shape[2])
        let rows = conv.spec.inChannels * conv.spec.kernelSize
        let w = conv.weight.values.map(Double.init)
        var out = Tensor64(zeros: [n, cout, lout])
        for item in 0..<n {
            let cols = columns(conv, x, item: item, lout: lout)
            var y = [Double](repeating: 0, count: cout * lout)
            plrp_dgemm(0, 0, Int32(cout), Int32(lout), Int32(rows), 1, w, Int32(rows), cols, Int32(lout), 0, &y, Int32(lout))
            for o in 0..<cout {
                let b = conv.bias.map { Double($0.values[o]) } ?? 0
                for t in 0..<lout { out.values[(item * cout + o) * lout + t] = y[o * lout + t] + b }
            }
        }
        return out
    }

    /// Wᵀg for a conv: col2im of Wᵀ·g, shaped like the input.
    public static func convolutionAdjoint(_ conv: Conv1d, _ g: Tensor64, inputLength length: Int) -> Tensor64 {
        let n = g.shape[0], cout = conv.spec.outChannels, lout = g.shape[2], cin = conv.spec.inChannels, k = conv.spec.kernelSize
        let rows = cin * k
        let w = conv.weight.values.map(Double.init)
        var out = Tensor64(zeros: [n, cin, length])
        for item in 0..<n {
            var cols = [Double](repeating: 0, count: rows * lout)
            let gi = Array(g.values[(item * cout * lout)..<((item + 1) * cout * lout)])
            plrp_dgemm(1, 0, Int32(rows), Int32(lout), Int32(cout), 1, w, Int32(rows), gi, Int32(lout), 0, &cols, Int32(lout))
            for c in 0..<cin {
                for j in 0..<k {
                    for t in 0..<lout {
                        let p = t * conv.spec.stride + j * conv.spec.dilation - conv.padding.left
                        if p >= 0 && p < length { out.values[(item * cin + c) * length + p] += cols[(c * k + j) * lout + t] }
                    }
                }
            }
        }
        return out
    }

    /// Wᵀg for a dense layer.
    public static func denseAdjoint(_ dense: Dense, _ g: Tensor64) -> Tensor64 {
        let n = g.shape[0], fin = dense.spec.inFeatures, fout = dense.spec.outFeatures
        var out = Tensor64(zeros: [n, fin])
        let w = dense.weight.values.map(Double.init)
        plrp_dgemm(0, 0, Int32(n), Int32(fin), Int32(fout), 1, g.values, Int32(fout), w, Int32(fin), 0, &out.values, Int32(fin))
        return out
    }
}
