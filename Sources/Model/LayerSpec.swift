/// The node types of a model graph (docs/formats.md): the layers of a chain, and the graph operations that join,
/// cut and reduce tensors.
public enum LayerKind: String, Sendable, CaseIterable {
    case conv1d, batchnorm1d, relu, elu, exp, sigmoid, tanh, softplus, maxpool1d, avgpool1d
    case globalMaxPool = "global_max_pool", globalAvgPool = "global_avg_pool", flatten, dense, dropout
    case gelu, leakyRelu = "leaky_relu", identity
    /// Element-wise sum of any number of same-shape inputs.
    case add
    /// Inputs joined along the channels.
    case concat
    /// The positions `start..<end` of the length axis (`slice` is read as a synonym).
    case crop
    /// Mean or sum over the positions `start..<end` of the length axis: `[C, L]` → `[C]`.
    case mean, sum

    /// Layers whose tensors live in the model file.
    public var hasParameters: Bool { self == .conv1d || self == .batchnorm1d || self == .dense }

    /// Nodes that read several inputs.
    public var joinsInputs: Bool { self == .add || self == .concat }

    /// The layer types of version-1 model files (which older plrp versions read).
    public var isVersion1Layer: Bool {
        switch self {
        case .gelu, .leakyRelu, .identity, .add, .concat, .crop, .mean, .sum: false
        default: true
        }
    }
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
    /// crop, mean, sum: the positions `start..<end` of the input's length; `end` nil is the input's length.
    public var start = 0
    public var end: Int? = nil
    /// leaky_relu: the slope for negative inputs (PyTorch's default 0.01).
    public var negativeSlope: Double = 0.01
    /// gelu: `false` for the exact erf form (PyTorch's default), `true` for the tanh approximation.
    public var tanhApproximation = false
    /// The nodes it reads, by name (`input` is the sequence); empty means the node listed before it (or the sequence,
    /// for the first).
    public var inputs: [String] = []

    public init(kind: LayerKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// A description for messages: `layer 3 (conv1d "3")`.
    public func label(_ index: Int) -> String { "layer \(index) (\(kind.rawValue) \"\(name)\")" }

    /// A description of a graph node for messages: `node 'add3' (add)`.
    public var nodeLabel: String { "node '\(name)' (\(kind.rawValue))" }

    /// Parses one entry of `layers` (a chain, `graph` false) or of `nodes` (a graph).
    init(_ object: [String: Any], index: Int, graph: Bool = false) throws {
        let what = graph ? "node" : "layer"
        let raw = Fields(object, context: "architecture \(what) \(index)")
        let typeName = try raw.string("type")
        let known = LayerKind.allCases.filter { graph || !$0.joinsInputs }
        guard let kind = typeName == "slice" && graph ? .crop : LayerKind(rawValue: typeName), known.contains(kind) else {
            throw ModelError("architecture \(what) \(index): unknown \(what) type '\(typeName)' (known: \(known.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(kind: kind, name: try raw.string("name", default: String(index)))
        let place = graph ? "node '\(name)' (\(kind.rawValue))" : label(index)
        let f = Fields(object, context: place)
        if graph {
            if f.has("inputs") { inputs = try f.strings("inputs") }
            try require(!kind.joinsInputs || inputs.count >= 1, "node '\(name)' (\(kind.rawValue)): 'inputs' must name its inputs")
            try require(kind.joinsInputs || inputs.count <= 1, "node '\(name)' (\(kind.rawValue)) reads one input, 'inputs' names \(inputs.count)")
        }
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
                default: throw ModelError("\(place): padding must be an integer, \"same\" or \"valid\", got \"\(text)\"")
                }
            } else {
                let amount = try f.int("padding", default: 0)
                guard amount >= 0 else { throw ModelError("\(place): padding must not be negative") }
                padding = amount == 0 ? .valid : .explicit(amount)
            }
            try require(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && dilation > 0,
                        "\(place): channels, kernel_size, stride and dilation must be positive")
            try require(padding != .same || stride == 1, "\(place): padding \"same\" needs stride 1")
        case .batchnorm1d:
            numFeatures = try f.int("num_features")
            eps = try f.double("eps", default: 1e-5)
            try require(numFeatures > 0 && eps >= 0, "\(place): num_features must be positive and eps not negative")
        case .maxpool1d, .avgpool1d:
            kernelSize = try f.int("kernel_size")
            stride = try f.int("stride", default: kernelSize)
            try require(kernelSize > 0 && stride > 0, "\(place): kernel_size and stride must be positive")
        case .dense:
            inFeatures = try f.int("in_features")
            outFeatures = try f.int("out_features")
            bias = try f.bool("bias", default: true)
            try require(inFeatures > 0 && outFeatures > 0, "\(place): in_features and out_features must be positive")
        case .dropout:
            dropout = try f.double("p", default: 0.5)
            try require(dropout >= 0 && dropout < 1, "\(place): p must lie in [0, 1)")
        case .crop, .mean, .sum:
            start = try f.int("start", default: 0)
            end = f.has("end") ? try f.int("end") : nil
            try require(start >= 0 && (end ?? Int.max) > start, "node '\(name)' (\(kind.rawValue)): needs 0 ≤ start < end")
        case .leakyRelu:
            negativeSlope = try f.double("negative_slope", default: 0.01)
        case .gelu:
            let form = try f.string("approximate", default: "none")
            try require(form == "none" || form == "tanh", "node '\(name)' (gelu): approximate must be \"none\" or \"tanh\"")
            tanhApproximation = form == "tanh"
        case .relu, .elu, .exp, .sigmoid, .tanh, .softplus, .globalMaxPool, .globalAvgPool, .flatten, .identity, .add, .concat:
            break
        }
    }

    /// The JSON object of a graph node: the layer's fields with its name and inputs always present.
    func nodeObject() -> [String: Any] {
        var o = jsonObject()
        o["name"] = name
        o["inputs"] = inputs
        return o
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
        case .crop, .mean, .sum:
            o["start"] = start
            if let end { o["end"] = end }
        case .leakyRelu:
            o["negative_slope"] = negativeSlope
        case .gelu:
            o["approximate"] = tanhApproximation ? "tanh" : "none"
        default:
            break
        }
        return o
    }
}

private func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ModelError(message()) }
}
