import Foundation

/// Activation functions applied value by value (PyTorch defaults: ELU α = 1, Softplus β = 1 with threshold 20, GELU
/// exact or tanh-approximated, leaky ReLU with its slope). Dropout and identity pass values unchanged at inference and
/// share this type.
public struct Elementwise: Layer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition(Self.kinds.contains(spec.kind))
        self.spec = spec
    }

    /// The node types this layer implements.
    public static let kinds: Set<LayerKind> = [.relu, .elu, .exp, .sigmoid, .tanh, .softplus, .dropout, .gelu, .leakyRelu, .identity]

    public func outputShape(for input: [Int]) throws -> [Int] { input }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        var output = input
        forward(inPlace: &output, compute: compute)
        return output
    }

    public func forward(inPlace x: inout Tensor, compute: Compute) {
        guard spec.kind != .dropout && spec.kind != .identity else { return }
        let slope = Float(spec.negativeSlope)
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
            case .leakyRelu: for i in 0..<n where p[i] < 0 { p[i] *= slope }
            case .gelu:
                if spec.tanhApproximation {
                    for i in 0..<n { p[i] = GELU.tanhForm(p[i]) }
                } else {
                    for i in 0..<n { p[i] = GELU.exact(p[i]) }
                }
            default: break
            }
        }
    }
}

/// GELU and its derivative, as PyTorch computes them.
public enum GELU {
    static let inverseRootTwo: Float = 0.70710678118654752
    static let rootTwoOverPi: Float = 0.79788456080286536

    /// x·Φ(x) = x/2·(1 + erf(x/√2)).
    @inline(__always) public static func exact(_ x: Float) -> Float { 0.5 * x * (1 + erff(x * inverseRootTwo)) }

    /// x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
    @inline(__always) public static func tanhForm(_ x: Float) -> Float {
        0.5 * x * (1 + tanhf(rootTwoOverPi * (x + 0.044715 * x * x * x)))
    }

    /// d/dx of the exact form: Φ(x) + x·φ(x).
    @inline(__always) public static func exactDerivative(_ x: Float) -> Float {
        0.5 * (1 + erff(x * inverseRootTwo)) + x * expf(-0.5 * x * x) * 0.39894228040143268
    }

    /// d/dx of the tanh form.
    @inline(__always) public static func tanhDerivative(_ x: Float) -> Float {
        let u = rootTwoOverPi * (x + 0.044715 * x * x * x), t = tanhf(u)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * rootTwoOverPi * (1 + 3 * 0.044715 * x * x)
    }
}
