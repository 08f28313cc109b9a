import Foundation
import SwiftProtobuf

/// Turns an ONNX graph — a chain, or a DAG with residual adds, concatenations, crops and several outputs, as either
/// PyTorch exporter writes it — into a `Network`.
///
/// Nodes are read in file order, each ONNX value becoming a data tensor (a plrp node and its per-item shape) or a
/// constant. Data nodes: Conv (dilation, explicit pads or `auto_pad`), BatchNormalization, Relu, Elu (alpha 1), Exp,
/// Sigmoid, Tanh, Softplus, Gelu (exact or tanh), LeakyRelu, MaxPool/AveragePool (no padding; a kernel spanning the
/// whole length is a global pool), GlobalMaxPool, GlobalAveragePool, ReduceMax/ReduceMean/ReduceSum over the length
/// axis, Slice of the length axis (a crop), Flatten, Reshape to `[N, -1]` or to the same per-item shape, Squeeze and
/// Unsqueeze of the length-1 axis a global reduction leaves, Gemm, MatMul followed by Add of its bias, Add of data
/// tensors, Concat along the channels, Dropout, Identity, and a Transpose `[0, 2, 1]` on an `[N, L, 4]` input. A
/// Sigmoid or Softmax making a scalar graph output becomes the output activation (explanations start from logits).
/// Shape arithmetic on constants and on `Shape` of data (Constant, Shape, Gather, Slice, Unsqueeze, Squeeze, Concat,
/// Add, Sub, Mul, Div, Neg, Cast, Range, Reshape, Flatten, ConstantOfShape) is folded for the model's input length,
/// with the batch size kept symbolic. Anything else is an error naming the node and its op type; so is a second
/// graph input that is not an initializer.
///
/// Initializers may hold their bytes in external data files (`data_location` EXTERNAL), found relative to the ONNX
/// file's folder; an absolute location, one that leaves the folder, a missing file or one too short is an error
/// naming the initializer and the location.
///
/// The result is a version-1 chain, named `0`, `1`, … as `torch.nn.Sequential` would, when every node reads the one
/// before, all are version-1 layer types and the one output is scalar (its values named by `outputNames`, else
/// `output` or `output0`, `output1`, …). Otherwise it is a graph: each node is named after its weight initializer's
/// `state_dict` prefix (`model.iconv.weight` → `model.iconv`) when it has one, else after its ONNX node (TorchScript's
/// `/model/Add_1` → `model.Add_1`; characters other than letters, digits, `_`, `-` and `.` become `_`), made unique
/// in file order by `_2`, `_3`, …; the heads are the graph outputs by name, a scalar head with several values naming
/// them `HEAD.0`, `HEAD.1`, … unless `outputNames` names all scalar values in head order.
public struct ONNXImporter {
    public var inputLength: Int?
    public var outputNames: [String]?

    /// The longest input length accepted.
    public static let maxInputLength = 1 << 30

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

    /// Imports an ONNX model held in memory whose file is `path`: external data is found beside it.
    public func importModel(data: Data, path: String) throws -> Network {
        try importModel(data: data, path: path, externalDataFolder: (path as NSString).deletingLastPathComponent)
    }

    /// Imports an ONNX model held in memory; `path` only names it in messages and external data is read from
    /// `externalDataFolder` (nil refuses any).
    public func importModel(data: Data, path: String, externalDataFolder: String?) throws -> Network {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ModelError("'\(path)': not an ONNX model (protobuf decoding failed)")
        }
        guard model.hasGraph, model.irVersion > 0 else { throw ModelError("'\(path)': not an ONNX model (no graph)") }
        do {
            var converter = try ONNXGraphConverter(graph: model.graph, external: ONNXExternalData(folder: externalDataFolder),
                                                   inputLength: inputLength)
            return try converter.convert(outputNames: outputNames)
        } catch let error as ModelError {
            throw ModelError("'\(path)': \(error.message)")
        }
    }
}

/// One pass over an ONNX graph's nodes (see `ONNXImporter`).
struct ONNXGraphConverter {
    enum Value {
        case data(ONNXData)
        case constant(ONNXConstant)
        /// The `[N, L, 4]` input, before its Transpose.
        case channelsLast
        /// A MatMul output whose bias Add took it over (reading it again is refused).
        case fused(by: String)
    }

    let graph: Onnx_GraphProto
    let external: ONNXExternalData
    var builder: GraphBuilder
    var values: [String: Value] = [:]
    /// How many node inputs have read each value so far.
    var reads: [String: Int] = [:]
    /// MatMul outputs by value name: the dense node that a following Add of a constant gives its bias.
    var matmuls: [String: Int] = [:]
    let graphOutputs: Set<String>
    let inputName: String

    init(graph: Onnx_GraphProto, external: ONNXExternalData, inputLength: Int?) throws {
        self.graph = graph
        self.external = external
        for initializer in graph.initializer {
            let what = "initializer '\(initializer.name)'"
            let resolved = try external.resolved(initializer, what: what)
            // Types plrp has no use for (bool, string, float16) stay out; a node reading one is refused by name.
            if let constant = try ONNXConstant.from(resolved, what: what) { values[initializer.name] = .constant(constant) }
        }
        let initializerNames = Set(graph.initializer.map(\.name))
        let inputs = graph.input.filter { !initializerNames.contains($0.name) }
        guard let input = inputs.first else { throw ModelError("the graph has no data input") }
        if inputs.count > 1 {
            throw ModelError("the graph has a second input '\(inputs[1].name)' (plrp models read one sequence input, [N, 4, L]; "
                             + "extra inputs such as control tracks are not supported)")
        }
        inputName = input.name
        let dims = input.type.tensorType.shape.dim.map { dim -> Int? in
            if case .dimValue(let value)? = dim.value, value > 0 { return Int(value) }
            return nil
        }
        guard dims.count == 3 else { throw ModelError("input '\(input.name)' has \(dims.count) dimensions; expected [N, 4, L] or [N, L, 4]") }
        // Channels-last input ([N, L, 4], Keras): a Transpose [0, 2, 1] brings it to [N, 4, L].
        var length = dims[2]
        let transposed = graph.node.contains { $0.opType == "Transpose" && $0.input.first == input.name }
        var channelsLast = false
        if dims[2] == 4, dims[1] != 4, transposed {
            length = dims[1]
            channelsLast = true
        } else if dims[1] != 4 {
            throw ModelError("input '\(input.name)' has \(dims[1].map(String.init) ?? "?") channels; plrp models read 4 (A, C, G, T)")
        }
        guard let resolvedLength = inputLength ?? length else {
            throw ModelError("input '\(input.name)' has no fixed length: give it with --input-length")
        }
        guard resolvedLength <= ONNXImporter.maxInputLength else {
            throw ModelError("input length \(resolvedLength) is beyond the \(ONNXImporter.maxInputLength) limit")
        }
        builder = GraphBuilder(inputLength: resolvedLength)
        values[input.name] = channelsLast ? .channelsLast : .data(ONNXData(node: GraphBuilder.sequence, shape: [4, resolvedLength]))
        graphOutputs = Set(graph.output.map(\.name))
    }

    mutating func convert(outputNames: [String]?) throws -> Network {
        for node in ONNXRewrites.fusingThresholdedSoftplus(graph.node) {
            try convert(node)
        }
        guard !graph.output.isEmpty else { throw ModelError("the graph has no outputs") }
        var heads: [(name: String, data: ONNXData)] = []
        for output in graph.output {
            let name = output.name.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }
            switch values[output.name] {
            case .data(let data)? where data.node != GraphBuilder.sequence:
                heads.append((String(name), data))
            case .data?, .channelsLast?:
                throw ModelError("output '\(output.name)' is the input itself")
            case .constant?:
                throw ModelError("output '\(output.name)' is a constant, not computed from the input")
            case .fused?, nil:
                throw ModelError("output '\(output.name)' is made by no node")
            }
        }
        // A final Sigmoid (or Softmax) on every scalar head becomes the output activation; otherwise a Sigmoid
        // stays a node.
        let scalar = heads.filter { $0.data.shape.count == 1 }
        var activation = OutputActivation.none
        if let first = scalar.first?.data.activation,
           scalar.allSatisfy({ $0.data.activation?.kind == first.kind }), first.kind == .sigmoid || scalar.count == 1 {
            activation = first.kind
            for i in heads.indices { heads[i].data.activation = nil }
        }
        for i in heads.indices {
            guard let tag = heads[i].data.activation else { continue }
            guard tag.kind == .sigmoid else {
                throw ModelError("\(tag.label): softmax is supported only as the final output activation of the only scalar output")
            }
            heads[i].data = try materialized(heads[i].data)
        }
        return try builder.model(heads: heads, outputNames: outputNames, outputActivation: activation)
    }

    /// A Sigmoid held back as a possible output activation, made a node after all.
    private mutating func materialized(_ data: ONNXData) throws -> ONNXData {
        guard let tag = data.activation else { return data }
        guard tag.kind == .sigmoid else {
            throw ModelError("\(tag.label): softmax is supported only as the final output activation")
        }
        var source = data
        source.activation = nil
        return try builder.add(LayerSpec(kind: .sigmoid, name: ""), inputs: [source], label: tag.label, name: tag.name,
                               keptAxis: source.keptAxis)
    }

    private mutating func convert(_ node: Onnx_NodeProto) throws {
        let label = "node '\(node.name)' (\(node.opType))"
        guard let output = node.output.first, !output.isEmpty else { throw ModelError("\(label) has no output") }
        if node.opType == "Constant" {
            values[output] = .constant(try ONNXFolding.constantNode(node, label: label, external: external))
            return
        }
        var inputs: [Value?] = []
        for name in node.input {
            guard !name.isEmpty else {
                inputs.append(nil)
                continue
            }
            switch values[name] {
            case nil:
                throw ModelError("\(label) reads '\(name)', which is neither the graph input, an initializer nor made by an earlier node")
            case .fused(let by)?:
                throw ModelError("\(label) reads '\(name)', a MatMul output that \(by) adds its bias to; only that Add may read it")
            case .data(let data)? where data.activation != nil:
                // A held-back Sigmoid that other nodes read after all.
                let made = try materialized(data)
                values[name] = .data(made)
                inputs.append(.data(made))
            case let value?:
                inputs.append(value)
            }
            reads[name, default: 0] += 1
        }
        if inputs.contains(where: { if case .channelsLast? = $0 { true } else { false } }) {
            let perm = ONNXAttributes(node).ints("perm")
            guard node.opType == "Transpose", perm == [0, 2, 1] else {
                throw ModelError("\(label) reads the [N, L, 4] input '\(inputName)'; only a Transpose [0, 2, 1] may")
            }
            values[output] = .data(ONNXData(node: GraphBuilder.sequence, shape: [4, builder.inputLength]))
            return
        }
        let hasData = inputs.contains { if case .data? = $0 { true } else { false } }
        if node.opType == "Shape", case .data(let data)? = inputs.first ?? nil {
            values[output] = .constant(ONNXFolding.shape(of: data.onnxDims, attributes: ONNXAttributes(node)))
            return
        }
        if !hasData {
            guard ONNXFolding.ops.contains(node.opType) else {
                throw ModelError("\(label) is not supported on constants alone (plrp folds only shape arithmetic)")
            }
            let constants = inputs.map { value -> ONNXConstant? in
                if case .constant(let c)? = value { return c }
                return nil
            }
            values[output] = .constant(try ONNXFolding.fold(node, constants, label: label))
            return
        }
        values[output] = .data(try dataNode(node, inputs, label: label, output: output))
    }

    // MARK: Data nodes

    private mutating func dataNode(_ node: Onnx_NodeProto, _ inputs: [Value?], label: String, output: String) throws -> ONNXData {
        let a = ONNXAttributes(node)
        let name = GraphBuilder.safeName(node.name, opType: node.opType)
        func data(_ i: Int) throws -> ONNXData {
            guard i < inputs.count, case .data(let d)? = inputs[i] else { throw ModelError("\(label): input \(i) must be a data tensor") }
            return d
        }
        func constant(_ i: Int) -> ONNXConstant? {
            guard i < inputs.count, case .constant(let c)? = inputs[i] else { return nil }
            return c
        }
        func floats(_ i: Int) throws -> Tensor {
            guard let c = constant(i), case .floats(let t) = c else {
                throw ModelError("\(label): input \(i) must be a constant float initializer")
            }
            return t
        }
        func optionalFloats(_ i: Int) throws -> Tensor? {
            guard i < inputs.count, inputs[i] != nil else { return nil }
            return try floats(i)
        }
        func ints(_ i: Int, _ what: String) throws -> [Int]? {
            guard i < inputs.count, inputs[i] != nil else { return nil }
            guard let values = constant(i)?.knownIntegers else { throw ModelError("\(label): \(what) must be constant integers") }
            return values
        }
        /// A hyper-parameter list, bounded so that no size computed from it overflows.
        func bounded(_ attribute: String, _ fallback: [Int], minimum: Int) throws -> [Int] {
            let values = a.ints(attribute) ?? fallback
            guard values.allSatisfy({ $0 >= minimum && $0 <= 1 << 24 }) else {
                throw ModelError("\(label): \(attribute) \(values) out of range")
            }
            return values
        }
        func sequence(_ x: ONNXData) throws {
            guard x.shape.count == 2, !x.keptAxis else { throw ModelError("\(label) needs a [N, channels, length] input, gets \(x.onnxDims)") }
        }
        func flat(_ x: ONNXData) throws {
            guard x.shape.count == 1, !x.keptAxis else { throw ModelError("\(label) needs a flat [N, features] input, gets \(x.onnxDims)") }
        }
        func elementwise(_ kind: LayerKind, _ configure: (inout LayerSpec) -> Void = { _ in }) throws -> ONNXData {
            let x = try data(0)
            var spec = LayerSpec(kind: kind, name: name)
            configure(&spec)
            return try builder.add(spec, inputs: [x], label: label, name: name, keptAxis: x.keptAxis)
        }
        func flattened(_ x: ONNXData) throws -> ONNXData {
            if x.keptAxis || x.shape.count == 1 {
                var same = x
                same.keptAxis = false
                return same
            }
            return try builder.add(LayerSpec(kind: .flatten, name: name), inputs: [x], label: label, name: name)
        }
        func reduction(_ kind: LayerKind, keepsAxis: Bool) throws -> ONNXData {
            let x = try data(0)
            try sequence(x)
            return try builder.add(LayerSpec(kind: kind, name: name), inputs: [x], label: label, name: name, keptAxis: keepsAxis)
        }

        switch node.opType {
        case "Conv":
            let x = try data(0), weight = try floats(1), bias = try optionalFloats(2)
            try sequence(x)
            guard weight.shape.count == 3, !weight.shape.contains(0) else { throw ModelError("\(label): weight must be [out, in, kernel], got \(weight.shape)") }
            guard (a.int("group") ?? 1) == 1 else { throw ModelError("\(label): grouped convolutions are not supported") }
            if let kernel = a.ints("kernel_shape"), kernel != [weight.shape[2]] {
                throw ModelError("\(label): kernel_shape \(kernel) does not match the weight's \(weight.shape)")
            }
            var spec = LayerSpec(kind: .conv1d, name: name)
            spec.outChannels = weight.shape[0]
            spec.inChannels = weight.shape[1]
            spec.kernelSize = weight.shape[2]
            spec.stride = try bounded("strides", [1], minimum: 1).first ?? 1
            spec.dilation = try bounded("dilations", [1], minimum: 1).first ?? 1
            spec.bias = bias != nil
            let total = spec.dilation * (spec.kernelSize - 1)
            switch a.string("auto_pad") ?? "NOTSET" {
            case "SAME_UPPER":
                spec.padding = .same
            case "SAME_LOWER" where total % 2 == 0:
                spec.padding = .same
            case "VALID":
                spec.padding = .valid
            case "NOTSET":
                let pads = try bounded("pads", [0, 0], minimum: 0)
                guard pads.count == 2 else { throw ModelError("\(label): pads must have 2 entries") }
                if pads[0] == pads[1] {
                    spec.padding = pads[0] == 0 ? .valid : .explicit(pads[0])
                } else if spec.stride == 1, pads[0] == total / 2, pads[1] == total - total / 2 {
                    spec.padding = .same
                } else {
                    throw ModelError("\(label): asymmetric pads \(pads) are not supported")
                }
            default:
                throw ModelError("\(label): auto_pad '\(a.string("auto_pad")!)' is not supported")
            }
            if spec.padding == .same && spec.stride != 1 { throw ModelError("\(label): 'same' padding needs stride 1") }
            if let bias, bias.count != spec.outChannels { throw ModelError("\(label): bias has \(bias.count) values for \(spec.outChannels) channels") }
            var parameters = ["weight": weight]
            parameters["bias"] = bias.map { Tensor(shape: [$0.count], values: $0.values) }
            return try builder.add(spec, parameters: parameters, inputs: [x], label: label,
                                   name: GraphBuilder.parameterNodeName(weight: node.input[1], node: node))
        case "BatchNormalization":
            let x = try data(0)
            let scale = try floats(1), shift = try floats(2), mean = try floats(3), variance = try floats(4)
            guard (a.int("training_mode") ?? 0) == 0 else { throw ModelError("\(label): training mode is not supported") }
            guard [shift.count, mean.count, variance.count].allSatisfy({ $0 == scale.count }) else {
                throw ModelError("\(label): scale, bias, mean and variance differ in size")
            }
            if let negative = variance.values.firstIndex(where: { $0 < 0 }) { throw ModelError("\(label): variance is negative at channel \(negative)") }
            guard scale.count > 0 else { throw ModelError("\(label): no channels") }
            var spec = LayerSpec(kind: .batchnorm1d, name: name)
            spec.numFeatures = scale.count
            spec.eps = Double(a.float("epsilon") ?? 1e-5)
            guard spec.eps >= 0, spec.eps.isFinite else { throw ModelError("\(label): epsilon must not be negative") }
            func flat(_ t: Tensor) -> Tensor { Tensor(shape: [t.count], values: t.values) }
            return try builder.add(spec, parameters: ["weight": flat(scale), "bias": flat(shift), "running_mean": flat(mean),
                                                      "running_var": flat(variance)],
                                   inputs: [x], label: label, name: GraphBuilder.parameterNodeName(weight: node.input[1], node: node),
                                   keptAxis: x.keptAxis)
        case "Relu": return try elementwise(.relu)
        case "Elu":
            guard (a.float("alpha") ?? 1) == 1 else { throw ModelError("\(label): only alpha = 1 is supported") }
            return try elementwise(.elu)
        case "Exp": return try elementwise(.exp)
        case "Tanh": return try elementwise(.tanh)
        case "Softplus": return try elementwise(.softplus)
        case "Gelu":
            let form = a.string("approximate") ?? "none"
            guard form == "none" || form == "tanh" else { throw ModelError("\(label): approximate '\(form)' is not supported") }
            return try elementwise(.gelu) { $0.tanhApproximation = form == "tanh" }
        case "LeakyRelu":
            let slope = a.float("alpha") ?? 0.01
            guard slope.isFinite else { throw ModelError("\(label): alpha must be finite") }
            // The float's shortest decimal form (0.01, not 0.009999999776…), as PyTorch's double has it.
            return try elementwise(.leakyRelu) { $0.negativeSlope = Double("\(slope)") ?? Double(slope) }
        case "Sigmoid", "Softmax":
            var x = try data(0)
            if graphOutputs.contains(output), x.shape.count == 1 {
                if node.opType == "Softmax" {
                    let axis = a.int("axis") ?? -1
                    guard axis == -1 || axis == 1 else { throw ModelError("\(label): only a softmax over the outputs (axis 1) is supported") }
                }
                x.activation = (node.opType == "Sigmoid" ? .sigmoid : .softmax, label, name)
                return x
            }
            guard node.opType == "Sigmoid" else { throw ModelError("\(label): softmax is supported only as the final output activation") }
            return try elementwise(.sigmoid)
        case "MaxPool", "AveragePool":
            let x = try data(0)
            try sequence(x)
            guard let kernel = try bounded("kernel_shape", [], minimum: 1).first else { throw ModelError("\(label): missing kernel_shape") }
            guard try bounded("pads", [0, 0], minimum: 0).allSatisfy({ $0 == 0 }), (a.int("ceil_mode") ?? 0) == 0,
                  try bounded("dilations", [1], minimum: 1) == [1], ["NOTSET", "VALID"].contains(a.string("auto_pad") ?? "NOTSET") else {
                throw ModelError("\(label): pooling with padding, ceil_mode or dilation is not supported")
            }
            let isMax = node.opType == "MaxPool"
            if kernel == x.shape[1] {
                return try builder.add(LayerSpec(kind: isMax ? .globalMaxPool : .globalAvgPool, name: name), inputs: [x],
                                       label: label, name: name, keptAxis: true)
            }
            var spec = LayerSpec(kind: isMax ? .maxpool1d : .avgpool1d, name: name)
            spec.kernelSize = kernel
            spec.stride = try bounded("strides", [1], minimum: 1).first ?? 1
            return try builder.add(spec, inputs: [x], label: label, name: name)
        case "GlobalMaxPool": return try reduction(.globalMaxPool, keepsAxis: true)
        case "GlobalAveragePool": return try reduction(.globalAvgPool, keepsAxis: true)
        case "ReduceMax", "ReduceMean", "ReduceSum":
            let x = try data(0)
            let axes = try ints(1, "axes") ?? a.ints("axes") ?? []
            if axes.isEmpty, (a.int("noop_with_empty_axes") ?? 0) != 0 { return x }
            guard try ONNXFolding.normalized(axes, rank: x.rank, label: label) == [2], x.shape.count == 2, !x.keptAxis else {
                throw ModelError("\(label): only a reduction over the length axis of [N, channels, length] is supported")
            }
            let kind: LayerKind = node.opType == "ReduceMax" ? .globalMaxPool : node.opType == "ReduceMean" ? .globalAvgPool : .sum
            return try reduction(kind, keepsAxis: (a.int("keepdims") ?? 1) != 0)
        case "Slice":
            let x = try data(0)
            let starts = try ints(1, "starts") ?? a.ints("starts") ?? []
            let ends = try ints(2, "ends") ?? a.ints("ends") ?? []
            let axes = try ints(3, "axes") ?? a.ints("axes") ?? Array(0..<starts.count)
            let steps = try ints(4, "steps") ?? [Int](repeating: 1, count: starts.count)
            guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
                throw ModelError("\(label): starts, ends, axes and steps differ in length")
            }
            guard !steps.contains(0) else { throw ModelError("\(label): step 0") }
            var result = x
            for (i, axis) in try ONNXFolding.normalized(axes, rank: x.rank, label: label).enumerated() {
                guard axis > 0 else {
                    // The batch axis: only the whole of it.
                    guard starts[i] == 0, steps[i] == 1, ends[i] >= Int(Int32.max) else {
                        throw ModelError("\(label): only slices of the length axis are supported")
                    }
                    continue
                }
                let n = result.onnxDims[axis].value!
                let kept = ONNXFolding.sliceRange(start: starts[i], end: ends[i], step: steps[i], n: n)
                if kept == Array(0..<n) { continue }
                guard axis == 2, result.shape.count == 2, !result.keptAxis, steps[i] == 1 else {
                    throw ModelError("\(label): only slices of the length axis with step 1 are supported")
                }
                guard let first = kept.first, let last = kept.last else { throw ModelError("\(label): the slice keeps no positions") }
                var spec = LayerSpec(kind: .crop, name: name)
                spec.start = first
                spec.end = last + 1
                result = try builder.add(spec, inputs: [result], label: label, name: name)
            }
            return result
        case "Flatten":
            let x = try data(0)
            let given = a.int("axis") ?? 1
            guard (given < 0 ? given + x.rank : given) == 1 else { throw ModelError("\(label): only axis 1 is supported") }
            return try flattened(x)
        case "Reshape":
            let x = try data(0)
            guard let c = constant(1), case .integers(_, let target) = c, c.shape.count == 1, target.count >= 1 else {
                throw ModelError("\(label): the shape must be a constant list of integers")
            }
            let allowZero = (a.int("allowzero") ?? 0) != 0
            let item = Array(x.onnxDims.dropFirst()).compactMap(\.value)
            let count = item.reduce(1, *)
            let rest = target.dropFirst().compactMap(\.value)
            guard rest.count == target.count - 1 else { throw ModelError("\(label): only the first dimension may be the batch size") }
            let resolved = try ONNXFolding.reshapeTarget(rest, of: item, count: count, allowZero: allowZero, label: label)
            switch target[0] {
            case .batch: break
            case .value(0) where !allowZero: break
            case .value(-1) where !rest.contains(-1): break
            case .value(let v) where v > 0: break
            default: throw ModelError("\(label): only a reshape that keeps the batch dimension is supported, got \(target)")
            }
            if resolved == item { return x }
            if resolved == [count] { return try flattened(x) }
            if x.shape.count == 1, !x.keptAxis, resolved == x.shape + [1] {
                var same = x
                same.keptAxis = true
                return same
            }
            throw ModelError("\(label): only a flatten to [N, -1] or a reshape that keeps the per-item shape is supported, got \(target)")
        case "Squeeze":
            let x = try data(0)
            let axes = try (ints(1, "axes") ?? a.ints("axes")).map { try ONNXFolding.normalized($0, rank: x.rank, label: label) }
            if x.keptAxis, axes == nil || axes == [x.rank - 1] {
                var same = x
                same.keptAxis = false
                return same
            }
            if x.shape.count == 2, x.shape[1] == 1, axes == [2] { return try flattened(x) }
            throw ModelError("\(label): Squeeze is supported only of a length-1 axis (after a global pool)")
        case "Unsqueeze":
            let x = try data(0)
            guard let axes = try ints(1, "axes") ?? a.ints("axes") else { throw ModelError("\(label): missing axes") }
            guard x.shape.count == 1, !x.keptAxis, try ONNXFolding.normalized(axes, rank: x.rank + 1, label: label) == [2] else {
                throw ModelError("\(label): Unsqueeze is supported only of the length axis of a flat tensor")
            }
            var same = x
            same.keptAxis = true
            return same
        case "Gemm":
            let x = try data(0)
            try flat(x)
            guard (a.float("alpha") ?? 1) == 1, (a.float("beta") ?? 1) == 1 || inputs.count < 3 || inputs[2] == nil, (a.int("transA") ?? 0) == 0 else {
                throw ModelError("\(label): only alpha = beta = 1 without transA is supported")
            }
            if case .data? = inputs.count > 1 ? inputs[1] : nil {
                throw ModelError("\(label) is not supported (it multiplies two data tensors)")
            }
            var weight = try floats(1)
            guard weight.shape.count == 2 else { throw ModelError("\(label): weight must be 2-D") }
            if (a.int("transB") ?? 0) == 0 { weight = ONNXTensor.transposed(weight) }
            var bias = try optionalFloats(2)
            if let b = bias, b.count == 1, weight.shape[0] != 1 {
                bias = Tensor(shape: [weight.shape[0]], values: [Float](repeating: b.values[0], count: weight.shape[0]))
            }
            return try dense(x, weight: weight, bias: bias, label: label, name: GraphBuilder.parameterNodeName(weight: node.input[1], node: node))
        case "MatMul":
            let x = try data(0)
            if case .data? = inputs.count > 1 ? inputs[1] : nil {
                throw ModelError("\(label) is not supported (it multiplies two data tensors)")
            }
            try flat(x)
            let weight = try floats(1)
            guard weight.shape.count == 2 else { throw ModelError("\(label): weight must be 2-D") }
            let made = try dense(x, weight: ONNXTensor.transposed(weight), bias: nil, label: label,
                                 name: GraphBuilder.parameterNodeName(weight: node.input[1], node: node))
            matmuls[output] = made.node
            return made
        case "Add":
            guard inputs.count == 2 else { throw ModelError("\(label): needs two inputs") }
            if case .data(let p)? = inputs[0], case .data(let q)? = inputs[1] {
                guard p.keptAxis == q.keptAxis else { throw ModelError("\(label): inputs differ in shape (\(p.onnxDims) and \(q.onnxDims))") }
                return try builder.add(LayerSpec(kind: .add, name: name), inputs: [p, q], label: label, name: name, keptAxis: p.keptAxis)
            }
            let dataIndex = inputs[0].flatMap { if case .data = $0 { 0 } else { nil } } ?? 1
            let source = node.input[dataIndex]
            guard let dense = matmuls[source], reads[source] == 1, !graphOutputs.contains(source), var bias = constant(1 - dataIndex)?.floatTensor,
                  builder.nodes[dense].parameters["bias"] == nil else {
                throw ModelError("\(label): adding a constant to data is supported only as the bias of a MatMul")
            }
            let x = try data(dataIndex)
            let outputs = x.shape[0]
            if bias.count == 1 { bias = Tensor(shape: [outputs], values: [Float](repeating: bias.values[0], count: outputs)) }
            guard bias.count == outputs, bias.shape.count <= 2 else {
                throw ModelError("\(label): bias has \(bias.count) values for \(outputs) outputs")
            }
            builder.nodes[dense].parameters["bias"] = Tensor(shape: [outputs], values: bias.values)
            builder.nodes[dense].spec.bias = true
            values[source] = .fused(by: label)
            return x
        case "Concat":
            let parts = try inputs.indices.map { try data($0) }
            guard let first = parts.first, parts.allSatisfy({ $0.keptAxis == first.keptAxis }) else {
                throw ModelError("\(label): inputs differ in shape")
            }
            let axis = a.int("axis") ?? 1
            guard (axis < 0 ? axis + first.rank : axis) == 1 else { throw ModelError("\(label): only a concatenation along the channels (axis 1) is supported") }
            return try builder.add(LayerSpec(kind: .concat, name: name), inputs: parts, label: label, name: name, keptAxis: first.keptAxis)
        case "Dropout", "Identity":
            return try data(0)
        case "Transpose":
            throw ModelError("\(label) is not supported (only a Transpose [0, 2, 1] of an [N, L, 4] input)")
        default:
            if ONNXFolding.ops.contains(node.opType) {
                throw ModelError("\(label) is not supported on data tensors (plrp folds it only in constant shape arithmetic)")
            }
            throw ModelError("\(label) is not supported (no plrp layer type for op '\(node.opType)')")
        }
    }

    private mutating func dense(_ x: ONNXData, weight: Tensor, bias: Tensor?, label: String, name: String) throws -> ONNXData {
        guard !weight.shape.contains(0) else { throw ModelError("\(label): weight of shape \(weight.shape) is empty") }
        var spec = LayerSpec(kind: .dense, name: name)
        spec.outFeatures = weight.shape[0]
        spec.inFeatures = weight.shape[1]
        spec.bias = bias != nil
        if let bias, bias.count != spec.outFeatures { throw ModelError("\(label): bias has \(bias.count) values for \(spec.outFeatures) outputs") }
        var parameters = ["weight": weight]
        parameters["bias"] = bias.map { Tensor(shape: [$0.count], values: $0.values) }
        return try builder.add(spec, parameters: parameters, inputs: [x], label: label, name: name)
    }
}
