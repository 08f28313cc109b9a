import Foundation
import SwiftProtobuf

/// Turns an ONNX graph whose nodes form one chain of SPEC §4 layers into a `Network`.
///
/// Accepted nodes: Conv, BatchNormalization, Relu, Elu (alpha 1), Exp, Sigmoid, Tanh, Softplus, MaxPool, AveragePool
/// (no padding; a kernel spanning the whole length is a global pool), GlobalMaxPool, GlobalAveragePool,
/// ReduceMax/ReduceMean over the length axis, Flatten, Reshape to `[N, -1]`, Squeeze of a length-1 axis, Gemm,
/// MatMul followed by Add, Dropout, Identity, and a Transpose `[0, 2, 1]` on an `[N, L, 4]` input. A final Sigmoid or
/// Softmax becomes the output activation (explanations start from logits). Anything else is an error naming the
/// node and its op type.
public struct ONNXImporter {
    public var inputLength: Int?
    public var outputNames: [String]?

    public init(inputLength: Int? = nil, outputNames: [String]? = nil) {
        self.inputLength = inputLength
        self.outputNames = outputNames
    }

    public func importModel(path: String) throws -> Network {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError("cannot read ONNX file '\(path)': \(FileManager.default.fileExists(atPath: path) ? "unreadable" : "no such file")")
        }
        return try importModel(data: data, path: path)
    }

    /// Imports an ONNX model held in memory; `path` only names it in messages.
    public func importModel(data: Data, path: String) throws -> Network {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ModelError("'\(path)': not an ONNX model (protobuf decoding failed)")
        }
        guard model.hasGraph, model.irVersion > 0 else { throw ModelError("'\(path)': not an ONNX model (no graph)") }
        do {
            return try convert(model.graph)
        } catch let error as ModelError {
            throw ModelError("'\(path)': \(error.message)")
        }
    }

    func convert(_ graph: Onnx_GraphProto) throws -> Network {
        var constants: [String: Tensor] = [:]
        var integerConstants: [String: [Int]] = [:]
        for initializer in graph.initializer {
            constants[initializer.name] = try ONNXTensor.float(initializer)
            integerConstants[initializer.name] = ONNXTensor.integers(initializer)
        }
        let initializerNames = Set(graph.initializer.map(\.name))
        guard let input = graph.input.first(where: { !initializerNames.contains($0.name) }) else {
            throw ModelError("the graph has no data input")
        }
        let dims = input.type.tensorType.shape.dim.map { dim -> Int? in
            if case .dimValue(let value)? = dim.value, value > 0 { return Int(value) }
            return nil
        }
        guard dims.count == 3 else { throw ModelError("input '\(input.name)' has \(dims.count) dimensions; expected [N, 4, L] or [N, L, 4]") }

        var chain = ChainBuilder()
        var current = input.name
        var nodes = graph.node[...]
        // Channels-last input ([N, L, 4], Keras): a leading Transpose [0, 2, 1] brings it to [N, 4, L].
        var length = dims[2]
        if dims[2] == 4, dims[1] != 4, let first = nodes.first, first.opType == "Transpose" {
            guard ONNXAttributes(first).ints("perm") == [0, 2, 1] else {
                throw ModelError("node '\(first.name)' (Transpose): only perm [0, 2, 1] on an [N, L, 4] input is supported")
            }
            length = dims[1]
            guard let output = first.output.first else { throw ModelError("node '\(first.name)' (Transpose) has no output") }
            current = output
            nodes = nodes.dropFirst()
        } else if dims[1] != 4 {
            throw ModelError("input '\(input.name)' has \(dims[1].map(String.init) ?? "?") channels; plrp models read 4 (A, C, G, T)")
        }
        guard let resolvedLength = inputLength ?? length else {
            throw ModelError("input '\(input.name)' has no fixed length: give it with --input-length")
        }
        chain.shape = [4, resolvedLength]

        nodes = ONNXRewrites.fusingThresholdedSoftplus(Array(nodes))[...]
        var pendingMatMul: (node: Onnx_NodeProto, weight: Tensor)? = nil
        var outputActivation = OutputActivation.none
        for (position, node) in nodes.enumerated() {
            let label = "node '\(node.name)' (\(node.opType))"
            guard let output = node.output.first else { throw ModelError("\(label) has no output") }
            if node.opType == "Constant" {
                let value = ONNXAttributes(node).tensor("value")
                if let value { integerConstants[output] = ONNXTensor.integers(value) }
                continue
            }
            let dataInputs = node.input.filter { !$0.isEmpty && constants[$0] == nil && integerConstants[$0] == nil }
            guard dataInputs == [current] else {
                throw ModelError("\(label) does not continue the single chain of layers from the input")
            }
            let attributes = ONNXAttributes(node)
            let isLast = position == nodes.count - 1
            if pendingMatMul != nil && node.opType != "Add" {
                throw ModelError("node '\(pendingMatMul!.node.name)' (MatMul) must be followed by Add of a bias")
            }
            switch node.opType {
            case "Conv":
                try chain.conv(node, label: label, weight: try constant(node, 1, constants), bias: node.input.count > 2 ? try constant(node, 2, constants) : nil, attributes: attributes)
            case "BatchNormalization":
                try chain.batchNorm(label: label, scale: try constant(node, 1, constants), bias: try constant(node, 2, constants),
                                    mean: try constant(node, 3, constants), variance: try constant(node, 4, constants),
                                    epsilon: Double(attributes.float("epsilon") ?? 1e-5))
            case "Relu": try chain.simple(.relu, label: label)
            case "Elu":
                guard (attributes.float("alpha") ?? 1) == 1 else { throw ModelError("\(label): only alpha = 1 is supported") }
                try chain.simple(.elu, label: label)
            case "Exp": try chain.simple(.exp, label: label)
            case "Tanh": try chain.simple(.tanh, label: label)
            case "Softplus": try chain.simple(.softplus, label: label)
            case "Sigmoid":
                if isLast { outputActivation = .sigmoid } else { try chain.simple(.sigmoid, label: label) }
            case "Softmax":
                guard isLast else { throw ModelError("\(label): softmax is supported only as the final output activation") }
                outputActivation = .softmax
            case "MaxPool", "AveragePool":
                try chain.pool(node.opType == "MaxPool" ? .maxpool1d : .avgpool1d, label: label, attributes: attributes)
            case "GlobalMaxPool": try chain.globalPool(.globalMaxPool, label: label, keepsAxis: true)
            case "GlobalAveragePool": try chain.globalPool(.globalAvgPool, label: label, keepsAxis: true)
            case "ReduceMax", "ReduceMean":
                let axes = attributes.ints("axes") ?? (node.input.count > 1 ? integerConstants[node.input[1]] : nil)
                guard let axes, axes == [2] || axes == [-1] else { throw ModelError("\(label): only a reduction over the length axis is supported") }
                try chain.globalPool(node.opType == "ReduceMax" ? .globalMaxPool : .globalAvgPool, label: label,
                                     keepsAxis: (attributes.int("keepdims") ?? 1) != 0)
            case "Flatten":
                guard (attributes.int("axis") ?? 1) == 1 else { throw ModelError("\(label): only axis 1 is supported") }
                try chain.flatten(label: label)
            case "Reshape":
                guard let shape = node.input.count > 1 ? integerConstants[node.input[1]] : nil, shape.count == 2,
                      shape[1] == -1 || shape[1] == chain.shape.reduce(1, *) else {
                    throw ModelError("\(label): only a reshape to [N, -1] (flatten) is supported")
                }
                try chain.flatten(label: label)
            case "Squeeze":
                try chain.squeezeLengthAxis(label: label)
            case "Gemm":
                guard (attributes.float("alpha") ?? 1) == 1, (attributes.float("beta") ?? 1) == 1, (attributes.int("transA") ?? 0) == 0 else {
                    throw ModelError("\(label): only alpha = beta = 1 without transA is supported")
                }
                var weight = try constant(node, 1, constants)
                if (attributes.int("transB") ?? 0) == 0 { weight = ONNXTensor.transposed(weight) }
                try chain.dense(label: label, weight: weight, bias: node.input.count > 2 ? try constant(node, 2, constants) : nil)
            case "MatMul":
                pendingMatMul = (node, ONNXTensor.transposed(try constant(node, 1, constants)))
            case "Add":
                guard let matmul = pendingMatMul else { throw ModelError("\(label): Add is supported only as the bias of a MatMul") }
                let biasName = node.input.first { constants[$0] != nil }
                guard let biasName, let bias = constants[biasName] else { throw ModelError("\(label): bias is not a constant") }
                try chain.dense(label: label, weight: matmul.weight, bias: Tensor(shape: [bias.count], values: bias.values))
                pendingMatMul = nil
            case "Dropout", "Identity":
                break
            default:
                throw ModelError("\(label) is not supported (no plrp layer type for op '\(node.opType)')")
            }
            current = output
        }
        if let matmul = pendingMatMul {
            try chain.dense(label: "node '\(matmul.node.name)' (MatMul)", weight: matmul.weight, bias: nil)
        }
        guard chain.shape.count == 1 else { throw ModelError("the graph ends with shape \(chain.shape); expected a flat vector of outputs") }
        let count = chain.shape[0]
        let names = outputNames ?? (count == 1 ? ["output"] : (0..<count).map { "output\($0)" })
        guard names.count == count else { throw ModelError("--outputs names \(names.count) outputs, the graph has \(count)") }
        let architecture = Architecture(inputLength: chain.shape.isEmpty ? 0 : resolvedLength, layers: chain.layers.map(\.spec),
                                        outputs: names, outputActivation: outputActivation)
        return try Network(architecture: architecture, layers: chain.layers)
    }

    private func constant(_ node: Onnx_NodeProto, _ index: Int, _ constants: [String: Tensor]) throws -> Tensor {
        guard index < node.input.count, let tensor = constants[node.input[index]] else {
            throw ModelError("node '\(node.name)' (\(node.opType)): input \(index) must be a constant initializer")
        }
        return tensor
    }
}
