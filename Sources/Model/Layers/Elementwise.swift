import Foundation

/// Activation functions applied value by value (PyTorch defaults: ELU α = 1, Softplus β = 1 with threshold 20).
/// Dropout is the identity at inference and shares this type.
public struct Elementwise: Layer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition([.relu, .elu, .exp, .sigmoid, .tanh, .softplus, .dropout].contains(spec.kind))
        self.spec = spec
    }

    public func outputShape(for input: [Int]) throws -> [Int] { input }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        var output = input
        forward(inPlace: &output, compute: compute)
        return output
    }

    public func forward(inPlace x: inout Tensor, compute: Compute) {
        guard spec.kind != .dropout else { return }
        x.values.withUnsafeMutableBufferPointer { y in
            let p = y.baseAddress!, n = y.count
            // One loop per function, so that the compiler can vectorise the common ones.
            switch spec.kind {
            case .relu: for i in 0..<n { p[i] = max(p[i], 0) }
            case .elu: for i in 0..<n where p[i] <= 0 { p[i] = expm1f(p[i]) }
            case .exp: for i in 0..<n { p[i] = expf(p[i]) }
            case .sigmoid: for i in 0..<n { p[i] = 1 / (1 + expf(-p[i])) }
            case .tanh: for i in 0..<n { p[i] = tanhf(p[i]) }
            case .softplus: for i in 0..<n where p[i] <= 20 { p[i] = log1pf(expf(p[i])) }
            default: break
            }
        }
    }
}
