/// A node that reads several inputs (add, concat). Its single-input `Layer` methods treat one input as the whole list.
public protocol JoinLayer: Layer {
    func outputShape(for inputs: [[Int]]) throws -> [Int]
    /// Runs the node on batches `[N, …]` of equal `N`.
    func forward(_ inputs: [Tensor]) -> Tensor
    /// The gradient (or relevance routed like a gradient) for each input, from the output's.
    func backward(inputs: [Tensor], outputGradient: Tensor) -> [Tensor]
}

extension JoinLayer {
    public func outputShape(for input: [Int]) throws -> [Int] { try outputShape(for: [input]) }
    public func forward(_ input: Tensor, compute: Compute) -> Tensor { forward([input]) }
}

/// The element-wise sum of same-shape inputs (a residual connection).
public struct Add: JoinLayer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition(spec.kind == .add)
        self.spec = spec
    }

    public func outputShape(for inputs: [[Int]]) throws -> [Int] {
        guard let first = inputs.first else { throw ModelError("\(spec.nodeLabel) has no input") }
        if let other = inputs.first(where: { $0 != first }) {
            throw ModelError("\(spec.nodeLabel): inputs differ in shape (\(first) and \(other))")
        }
        return first
    }

    public func forward(_ inputs: [Tensor]) -> Tensor {
        var out = inputs[0]
        out.values.withUnsafeMutableBufferPointer { o in
            for other in inputs.dropFirst() {
                other.values.withUnsafeBufferPointer { p in for i in 0..<o.count { o[i] += p[i] } }
            }
        }
        return out
    }

    public func backward(inputs: [Tensor], outputGradient: Tensor) -> [Tensor] {
        Array(repeating: outputGradient, count: inputs.count)
    }
}

/// Inputs `[C_i, L]` joined along the channels, in input order (`torch.cat(dim=1)`).
public struct Concat: JoinLayer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition(spec.kind == .concat)
        self.spec = spec
    }

    public func outputShape(for inputs: [[Int]]) throws -> [Int] {
        guard let first = inputs.first else { throw ModelError("\(spec.nodeLabel) has no input") }
        guard inputs.allSatisfy({ $0.count == first.count && $0.dropFirst() == first.dropFirst() }) else {
            throw ModelError("\(spec.nodeLabel): inputs must agree in every dimension but the channels, got \(inputs)")
        }
        return [inputs.reduce(0) { $0 + $1[0] }] + first.dropFirst()
    }

    public func forward(_ inputs: [Tensor]) -> Tensor {
        let n = inputs[0].shape[0]
        let rows = inputs.map(\.rowLength), total = rows.reduce(0, +)
        let channels = inputs.reduce(0) { $0 + $1.shape[1] }
        var out = Tensor(overwrittenShape: [n, channels] + inputs[0].shape.dropFirst(2))
        out.values.withUnsafeMutableBufferPointer { o in
            for item in 0..<n {
                var offset = item * total
                for (input, row) in zip(inputs, rows) {
                    input.values.withUnsafeBufferPointer { p in
                        (o.baseAddress! + offset).update(from: p.baseAddress! + item * row, count: row)
                    }
                    offset += row
                }
            }
        }
        return out
    }

    public func backward(inputs: [Tensor], outputGradient g: Tensor) -> [Tensor] {
        let n = g.shape[0], total = g.rowLength
        var offset = 0
        return inputs.map { input in
            let row = input.rowLength
            var part = Tensor(overwrittenShape: input.shape)
            part.values.withUnsafeMutableBufferPointer { p in
                g.values.withUnsafeBufferPointer { source in
                    for item in 0..<n { (p.baseAddress! + item * row).update(from: source.baseAddress! + item * total + offset, count: row) }
                }
            }
            offset += row
            return part
        }
    }
}
