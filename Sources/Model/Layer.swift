/// One step of a sequential model. Shapes are per batch item: `[C, L]` or `[F]`.
public protocol Layer: Sendable {
    var spec: LayerSpec { get }
    /// The item shape this layer makes from `input`; throws when the input does not fit.
    func outputShape(for input: [Int]) throws -> [Int]
    /// Runs the layer on a batch `[N, …]`.
    func forward(_ input: Tensor, compute: Compute) -> Tensor
    /// Its tensors under their `state_dict` suffixes (`weight`, `bias`, `running_mean`, …).
    var parameters: [(suffix: String, tensor: Tensor)] { get }
    /// Replaces `x` by the layer's output; layers that can work in place avoid a copy.
    func forward(inPlace x: inout Tensor, compute: Compute)
}

extension Layer {
    public var parameters: [(suffix: String, tensor: Tensor)] { [] }

    public func forward(inPlace x: inout Tensor, compute: Compute) { x = forward(x, compute: compute) }

    /// Number of trainable values (running statistics excluded).
    public var parameterCount: Int {
        parameters.filter { !$0.suffix.hasPrefix("running_") }.reduce(0) { $0 + $1.tensor.count }
    }
}

/// Reads `[C, L]` from an item shape, or fails naming the layer.
func channelsAndLength(_ shape: [Int], _ spec: LayerSpec) throws -> (Int, Int) {
    guard shape.count == 2 else {
        throw ModelError("layer \"\(spec.name)\" (\(spec.kind.rawValue)) needs a [channels, length] input, got \(shape)")
    }
    return (shape[0], shape[1])
}
