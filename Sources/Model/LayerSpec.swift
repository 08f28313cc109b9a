/// The layer types of SPEC §4.
public enum LayerKind: String, Sendable, CaseIterable {
    case conv1d, batchnorm1d, relu, elu, exp, sigmoid, tanh, softplus, maxpool1d, avgpool1d
    case globalMaxPool = "global_max_pool", globalAvgPool = "global_avg_pool", flatten, dense, dropout

    /// Layers whose tensors live in the model file.
    public var hasParameters: Bool { self == .conv1d || self == .batchnorm1d || self == .dense }
}

/// Convolution padding: PyTorch's `"same"` (stride 1; the extra base of an odd total goes right), `"valid"`, or
/// an explicit count on both sides.
public enum Padding: Sendable, Equatable {
    case same, valid
    case explicit(Int)
}

/// One layer of the architecture document, with the hyper-parameters its type uses.
public struct LayerSpec: Sendable, Equatable {
    public var kind: LayerKind
    /// The `state_dict` prefix of its tensors; defaults to the layer's position, as in `torch.nn.Sequential`.
    public var name: String
    public var inChannels = 0, outChannels = 0, kernelSize = 0, stride = 1, dilation = 1
    public var padding = Padding.valid
    public var bias = true
    public var numFeatures = 0
    public var eps: Double = 1e-5
    public var inFeatures = 0, outFeatures = 0
    public var dropout: Double = 0.5

    public init(kind: LayerKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// A description for messages: `layer 3 (conv1d "3")`.
    public func label(_ index: Int) -> String { "layer \(index) (\(kind.rawValue) \"\(name)\")" }

    init(_ object: [String: Any], index: Int) throws {
        let raw = Fields(object, context: "architecture layer \(index)")
        let typeName = try raw.string("type")
        guard let kind = LayerKind(rawValue: typeName) else {
            throw ModelError("architecture layer \(index): unknown layer type '\(typeName)' (known: \(LayerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(kind: kind, name: try raw.string("name", default: String(index)))
        let f = Fields(object, context: label(index))
        switch kind {
        case .conv1d:
            inChannels = try f.int("in_channels")
            outChannels = try f.int("out_channels")
            kernelSize = try f.int("kernel_size")
            stride = try f.int("stride", default: 1)
            dilation = try f.int("dilation", default: 1)
            bias = try f.bool("bias", default: true)
            if let text = object["padding"] as? String {
                switch text {
                case "same": padding = .same
                case "valid": padding = .valid
                default: throw ModelError("\(label(index)): padding must be an integer, \"same\" or \"valid\", got \"\(text)\"")
                }
            } else {
                let amount = try f.int("padding", default: 0)
                guard amount >= 0 else { throw ModelError("\(label(index)): padding must not be negative") }
                padding = amount == 0 ? .valid : .explicit(amount)
            }
            try require(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && dilation > 0,
                        "\(label(index)): channels, kernel_size, stride and dilation must be positive")
            try require(padding != .same || stride == 1, "\(label(index)): padding \"same\" needs stride 1")
        case .batchnorm1d:
            numFeatures = try f.int("num_features")
            eps = try f.double("eps", default: 1e-5)
            try require(numFeatures > 0 && eps >= 0, "\(label(index)): num_features must be positive and eps not negative")
        case .maxpool1d, .avgpool1d:
            kernelSize = try f.int("kernel_size")
            stride = try f.int("stride", default: kernelSize)
            try require(kernelSize > 0 && stride > 0, "\(label(index)): kernel_size and stride must be positive")
        case .dense:
            inFeatures = try f.int("in_features")
            outFeatures = try f.int("out_features")
            bias = try f.bool("bias", default: true)
            try require(inFeatures > 0 && outFeatures > 0, "\(label(index)): in_features and out_features must be positive")
        case .dropout:
            dropout = try f.double("p", default: 0.5)
            try require(dropout >= 0 && dropout < 1, "\(label(index)): p must lie in [0, 1)")
        case .relu, .elu, .exp, .sigmoid, .tanh, .softplus, .globalMaxPool, .globalAvgPool, .flatten:
            break
        }
    }

    func jsonObject() -> [String: Any] {
        var o: [String: Any] = ["type": kind.rawValue]
        switch kind {
        case .conv1d:
            o["name"] = name
            o["in_channels"] = inChannels
            o["out_channels"] = outChannels
            o["kernel_size"] = kernelSize
            o["stride"] = stride
            o["dilation"] = dilation
            o["bias"] = bias
            switch padding {
            case .same: o["padding"] = "same"
            case .valid: o["padding"] = "valid"
            case .explicit(let amount): o["padding"] = amount
            }
        case .batchnorm1d:
            o["name"] = name
            o["num_features"] = numFeatures
            o["eps"] = eps
        case .maxpool1d, .avgpool1d:
            o["kernel_size"] = kernelSize
            o["stride"] = stride
        case .dense:
            o["name"] = name
            o["in_features"] = inFeatures
            o["out_features"] = outFeatures
            o["bias"] = bias
        case .dropout:
            o["p"] = dropout
        default:
            break
        }
        return o
    }
}

private func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ModelError(message()) }
}
