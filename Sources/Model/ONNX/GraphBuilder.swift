import Foundation

/// A data tensor while importing: the node that makes it (`GraphBuilder.sequence` for the input) and its per-item
/// shape as plrp holds it.
struct ONNXData {
    var node: Int
    var shape: [Int]
    /// The ONNX tensor has a trailing length-1 axis that plrp's global pools drop; a later Flatten, Squeeze or
    /// Reshape then has nothing left to do.
    var keptAxis = false
    /// A final Sigmoid or Softmax on a scalar output, not yet made a node: it may become the output activation.
    var activation: (kind: OutputActivation, label: String, name: String)? = nil

    /// The ONNX shape `[batch, …]`.
    var onnxDims: [ONNXInteger] { [.batch] + (shape + (keptAxis ? [1] : [])).map { .value($0) } }
    /// The number of ONNX dimensions, batch included.
    var rank: Int { 1 + shape.count + (keptAxis ? 1 : 0) }
}

/// Collects the nodes made while importing, with the shapes checked as each is added, and turns them into a model:
/// a chain (version-1 names `0`, `1`, …) when they form one, otherwise a graph with named nodes and heads.
struct GraphBuilder {
    struct Node {
        var spec: LayerSpec
        var parameters: [String: Tensor]
        /// Node indices; `GraphBuilder.sequence` is the input.
        var inputs: [Int]
        /// The ONNX node it comes from, for messages.
        var label: String
        /// The name it asks for (made unique when the model is built).
        var name: String
    }

    static let sequence = -1
    var nodes: [Node] = []
    let inputLength: Int

    init(inputLength: Int) {
        self.inputLength = inputLength
    }

    /// Adds a node reading `inputs` and returns its output, or fails naming the ONNX node when shapes do not fit.
    mutating func add(_ spec: LayerSpec, parameters: [String: Tensor] = [:], inputs: [ONNXData], label: String,
                      name: String, keptAxis: Bool = false) throws -> ONNXData {
        var spec = spec
        spec.name = name
        let shape: [Int]
        do {
            let layer = try Self.layer(spec, parameters)
            if let join = layer as? JoinLayer {
                shape = try join.outputShape(for: inputs.map(\.shape))
            } else {
                precondition(inputs.count == 1)
                shape = try layer.outputShape(for: inputs[0].shape)
            }
        } catch let error as ModelError {
            // Join layers name themselves by the node's provisional name; the ONNX node says it better.
            let own = spec.nodeLabel + ": "
            throw ModelError("\(label): \(error.message.hasPrefix(own) ? String(error.message.dropFirst(own.count)) : error.message)")
        }
        nodes.append(Node(spec: spec, parameters: parameters, inputs: inputs.map(\.node), label: label, name: name))
        return ONNXData(node: nodes.count - 1, shape: shape, keptAxis: keptAxis)
    }

    static func layer(_ spec: LayerSpec, _ p: [String: Tensor]) throws -> Layer {
        switch spec.kind {
        case .conv1d: Conv1d(spec: spec, weight: p["weight"]!, bias: p["bias"])
        case .dense: Dense(spec: spec, weight: p["weight"]!, bias: p["bias"])
        case .batchnorm1d:
            BatchNorm1d(spec: spec, weight: p["weight"]!, bias: p["bias"]!, runningMean: p["running_mean"]!, runningVar: p["running_var"]!)
        default: try ModelFile.makeParameterFree(spec)
        }
    }

    /// A node name from an ONNX name: TorchScript's `/model/Add_1` becomes `model.Add_1` (`/` separates scopes, as
    /// `.` does in PyTorch); letters, digits, `_`, `-` and `.` stay, anything else becomes `_`.
    static func safeName(_ raw: String, opType: String) -> String {
        let parts = raw.split(separator: "/").map(String.init)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        let joined = String(parts.joined(separator: ".").map { allowed.contains($0) ? $0 : "_" })
        let trimmed = joined.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return trimmed.isEmpty ? (opType.isEmpty ? "node" : String(opType.lowercased().map { allowed.contains($0) ? $0 : "_" })) : trimmed
    }

    /// The name of a node with tensors: the `state_dict` prefix of its weight initializer (`model.iconv.weight` →
    /// `model.iconv`) when it has one, else the ONNX node's.
    static func parameterNodeName(weight: String, node: Onnx_NodeProto) -> String {
        if weight.hasSuffix(".weight") {
            let prefix = safeName(String(weight.dropLast(".weight".count)), opType: "")
            if prefix != "node", !prefix.isEmpty { return prefix }
        }
        return safeName(node.name, opType: node.opType)
    }

    /// The model with these heads (ONNX output name and the data it reads). `outputNames` names the scalar outputs
    /// in head order.
    func model(heads: [(name: String, data: ONNXData)], outputNames: [String]?, outputActivation: OutputActivation) throws -> Network {
        // Only nodes some head depends on (an exporter may leave dead branches).
        var needed = Set<Int>(), stack = heads.map(\.data.node)
        while let next = stack.popLast() {
            guard next != Self.sequence, needed.insert(next).inserted else { continue }
            stack += nodes[next].inputs
        }
        let kept = nodes.indices.filter { needed.contains($0) }
        var position: [Int: Int] = [Self.sequence: Self.sequence]
        for (new, old) in kept.enumerated() { position[old] = new }
        let used = kept.map { old -> Node in
            var node = nodes[old]
            node.inputs = node.inputs.map { position[$0]! }
            return node
        }
        let headNodes = heads.map { position[$0.data.node]! }

        let isChain = heads.count == 1 && heads[0].data.shape.count == 1 && headNodes[0] == used.count - 1
            && used.enumerated().allSatisfy { $0.element.inputs == [$0.offset - 1] && $0.element.spec.kind.isVersion1Layer }
        if isChain {
            let count = heads[0].data.shape[0]
            let names = outputNames ?? (count == 1 ? ["output"] : (0..<count).map { "output\($0)" })
            guard names.count == count else { throw ModelError("--outputs names \(names.count) outputs, the graph has \(count)") }
            var specs: [LayerSpec] = [], layers: [Layer] = []
            for (index, node) in used.enumerated() {
                var spec = node.spec
                spec.name = String(index)
                specs.append(spec)
                layers.append(try Self.layer(spec, node.parameters))
            }
            let architecture = Architecture(inputLength: inputLength, layers: specs, outputs: names, outputActivation: outputActivation)
            return try Network(architecture: architecture, layers: layers)
        }

        var taken: Set<String> = [Architecture.inputName]
        var names: [String] = []
        for node in used {
            var name = node.name, suffix = 2
            while taken.contains(name) {
                name = "\(node.name)_\(suffix)"
                suffix += 1
            }
            taken.insert(name)
            names.append(name)
        }
        var specs: [LayerSpec] = [], layers: [Layer] = []
        for (index, node) in used.enumerated() {
            var spec = node.spec
            spec.name = names[index]
            spec.inputs = node.inputs.map { $0 == Self.sequence ? Architecture.inputName : names[$0] }
            specs.append(spec)
            layers.append(try Self.layer(spec, node.parameters))
        }
        var outputs = outputNames?[...]
        let scalarCount = heads.filter { $0.data.shape.count == 1 }.reduce(0) { $0 + $1.data.shape[0] }
        if let outputNames, outputNames.count != scalarCount {
            throw ModelError("--outputs names \(outputNames.count) outputs, the graph's scalar outputs have \(scalarCount)")
        }
        var headSpecs: [HeadSpec] = []
        for (head, node) in zip(heads, headNodes) {
            var values: [String] = []
            if head.data.shape.count == 1, let taken = outputs?.prefix(head.data.shape[0]) {
                values = Array(taken)
                outputs = outputs?.dropFirst(head.data.shape[0])
            }
            headSpecs.append(HeadSpec(name: head.name, node: names[node], outputs: values))
        }
        let architecture = Architecture(inputLength: inputLength, nodes: specs, heads: headSpecs, outputActivation: outputActivation)
        return try Network(architecture: architecture, layers: layers)
    }
}
