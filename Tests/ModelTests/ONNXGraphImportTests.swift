import Foundation
@testable import Model
import TestSupport
import Tracks
import XCTest

/// The ONNX importer on graphs: BPNet, a residual GELU tower and a two-branch concatenation, each from both PyTorch
/// exporters (the torch.export one with every initializer in external data), against PyTorch's outputs; and the
/// refusals, each naming what it refuses.
final class ONNXGraphImportTests: XCTestCase {
    static let families = ["bpnet", "residual_gelu", "two_branch"]
    static let exporters = ["ts", "dynamo"]

    func path(_ family: String, _ exporter: String) -> String { Repo.fixture("graphs/\(family).\(exporter).onnx") }

    func read(_ family: String, _ member: String) throws -> Tensor {
        let array = try NPZReader.read(path: Repo.fixture("graphs/\(family).io.npz"), member: member)
        return Tensor(shape: array.shape, values: array.values)
    }

    /// The model's outputs by the fixture's names: `profile` and `counts` for bpnet, `logits` for the others.
    func outputs(_ model: Network, _ x: Tensor) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        let compute = Compute(threads: 2)
        for (head, profile) in zip(model.profileHeads, model.profiles(x, compute: compute)) { result[head.name] = profile }
        let logits = model.logits(x, compute: compute)
        var offset = 0
        for head in model.scalarHeads {
            let k = head.shape[0], n = logits.shape[0], width = logits.shape[1]
            var values: [Float] = []
            for row in 0..<n { values += logits.values[(row * width + offset)..<(row * width + offset + k)] }
            result[head.name] = Tensor(shape: [n, k], values: values)
            offset += k
        }
        return result
    }

    /// max |ours − torch| / max |torch| over one output.
    func relativeError(_ ours: Tensor, _ theirs: Tensor) -> Float {
        let scale = theirs.values.map(abs).max() ?? 0
        let worst = zip(ours.values, theirs.values).map { abs($0 - $1) }.max() ?? 0
        return worst / max(scale, 1e-12)
    }

    func testGraphFixturesMatchPyTorch() throws {
        var report: [String] = []
        for family in Self.families {
            let x = try read(family, "x")
            let names = family == "bpnet" ? ["profile", "counts"] : ["logits"]
            for exporter in Self.exporters {
                let model = try ONNXImporter().importModel(path: path(family, exporter))
                XCTAssertTrue(model.architecture.isGraph, "\(family).\(exporter)")
                XCTAssertEqual(model.heads.map(\.name), names, "\(family).\(exporter)")
                let ours = outputs(model, x)
                for name in names {
                    let expected = try read(family, name)
                    let got = try XCTUnwrap(ours[name], "\(family).\(exporter) \(name)")
                    XCTAssertEqual(got.shape, expected.shape, "\(family).\(exporter) \(name)")
                    let error = relativeError(got, expected)
                    report.append("\(family).\(exporter) \(name): \(error)")
                    XCTAssertLessThanOrEqual(error, 1e-5, "\(family).\(exporter) \(name)")
                }
            }
        }
        print("max relative errors:\n  " + report.joined(separator: "\n  "))
    }

    func testBPNetHeadsAndNames() throws {
        let model = try ONNXImporter().importModel(path: path("bpnet", "dynamo"))
        XCTAssertEqual(model.inputLength, 200)
        XCTAssertEqual(model.head(named: "profile")?.shape, [2, 100])
        XCTAssertEqual(model.head(named: "counts")?.shape, [1])
        XCTAssertEqual(model.outputs, ["counts"])
        let specs = model.architecture.layers
        // Nodes with tensors take their weights' state_dict prefix, so the tensors keep PyTorch's names.
        XCTAssertEqual(specs.filter(\.kind.hasParameters).map(\.name),
                       ["model.iconv", "model.rconvs.0", "model.rconvs.1", "model.rconvs.2", "model.fconv", "model.linear"])
        let crops = specs.filter { $0.kind == .crop }.map { [$0.start, $0.end!] }
        XCTAssertEqual(crops, [[50, 150], [13, 187]])
        XCTAssertEqual(specs.filter { $0.kind == .add }.map(\.inputs.count), [2, 2, 2])
        XCTAssertEqual(Set(specs.map(\.name)).count, specs.count)
        let tensorNames = model.layers.flatMap { layer in layer.parameters.map { "\(layer.spec.name).\($0.suffix)" } }
        XCTAssertEqual(Set(tensorNames).count, tensorNames.count)
        XCTAssertTrue(tensorNames.contains("model.iconv.weight"))

        // The TorchScript export folds Shape → Gather → Sub → Unsqueeze into the crop ends and the [N, 1] reshape away.
        let ts = try ONNXImporter().importModel(path: path("bpnet", "ts"))
        XCTAssertEqual(ts.architecture.layers.filter { $0.kind == .crop }.map { [$0.start, $0.end!] }, [[50, 150], [13, 187]])
        XCTAssertEqual(ts.architecture.layers.map(\.kind), specs.map(\.kind))
    }

    func testImportedGraphsReencodeAndReloadToIdenticalOutputs() throws {
        for family in Self.families {
            let x = try read(family, "x")
            for exporter in Self.exporters {
                let model = try ONNXImporter().importModel(path: path(family, exporter))
                let bytes = ModelFile.encode(model)
                let file = try SafeTensors(data: bytes, path: "m.safetensors")
                XCTAssertEqual(file.metadata["format_version"], "2", "\(family).\(exporter)")
                let again = try ModelFile.load(data: bytes, path: "m.safetensors")
                XCTAssertEqual(again.architecture, model.architecture, "\(family).\(exporter)")
                let (a, b) = (outputs(model, x), outputs(again, x))
                XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
                for key in a.keys { XCTAssertEqual(a[key]!.values, b[key]!.values, "\(family).\(exporter) \(key)") }
                XCTAssertEqual(ModelFile.encode(again), bytes, "\(family).\(exporter): writing is deterministic")
            }
        }
    }

    /// The node types, shapes, wiring (by position) and heads of a model, leaving names and padding spelling aside.
    func shapeSignature(_ model: Network) -> [String] {
        var lines = model.nodes.enumerated().map { index, node in
            "\(node.layer.spec.kind.rawValue) \(node.inputs) → \(model.shapes[index + 1]) \(node.layer.parameters.map(\.tensor.shape))"
        }
        lines += model.heads.map { "head \($0.name) slot \($0.slot) \($0.shape)" }
        return lines
    }

    func testBothExportersGiveTheSameArchitecture() throws {
        for family in Self.families {
            let ts = try ONNXImporter().importModel(path: path(family, "ts"))
            let dynamo = try ONNXImporter().importModel(path: path(family, "dynamo"))
            XCTAssertEqual(shapeSignature(ts), shapeSignature(dynamo), family)
            XCTAssertEqual(ts.inputLength, dynamo.inputLength, family)
        }
    }

    func testOutputNamesNameScalarValuesInHeadOrder() throws {
        let model = try ONNXImporter(outputNames: ["a", "b", "c"]).importModel(path: path("residual_gelu", "ts"))
        XCTAssertEqual(model.outputs, ["a", "b", "c"])
        let bpnet = try ONNXImporter(outputNames: ["total"]).importModel(path: path("bpnet", "ts"))
        XCTAssertEqual(bpnet.outputs, ["total"])
        XCTAssertThrowsError(try ONNXImporter(outputNames: ["a", "b"]).importModel(path: path("bpnet", "ts"))) { error in
            XCTAssertTrue("\(error)".contains("--outputs names 2 outputs"), "\(error)")
        }
        let defaults = try ONNXImporter().importModel(path: path("two_branch", "dynamo"))
        XCTAssertEqual(defaults.outputs, ["logits.0", "logits.1"])
    }

    func testChainFixturesStayVersion1Chains() throws {
        for name in ["a_bn_pools", "b_stride_globalmax", "c_exp_globalavg", "d_dilated_densebn"] {
            for exporter in Self.exporters {
                let model = try ONNXImporter().importModel(path: Repo.fixture("models/\(name).\(exporter).onnx"))
                XCTAssertFalse(model.architecture.isGraph, name)
                XCTAssertEqual(model.architecture.layers.map(\.name), model.layers.indices.map(String.init), name)
                XCTAssertEqual(try SafeTensors(data: ModelFile.encode(model), path: "m").metadata["format_version"], "1")
            }
        }
    }

    func testLeakyReluChainEndingInATrackImportsAsAProfileGraph() throws {
        // Conv → LeakyRelu with output [1, 6, 29]: a profile head, so a graph (leaky_relu is no version-1 layer).
        let model = try ONNXImporter().importModel(path: Repo.fixture("models/unsupported_op.onnx"))
        XCTAssertTrue(model.architecture.isGraph)
        XCTAssertEqual(model.architecture.layers.map(\.kind), [.conv1d, .leakyRelu])
        XCTAssertEqual(model.architecture.layers[1].negativeSlope, 0.01)
        XCTAssertEqual(model.profileHeads.map(\.name), ["y"])
        XCTAssertEqual(model.profileHeads[0].shape, [6, 29])
    }

    // MARK: Refusals

    /// `x` [N, 4, 16] → Conv (2 filters, kernel 3) → `extra` nodes, with the data named `c` after the conv.
    func tinyModel(_ extra: [Onnx_NodeProto], outputs: [String], inputs: [String] = ["x"]) -> Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "tiny"
        for name in inputs {
            var input = Onnx_ValueInfoProto()
            input.name = name
            var type = Onnx_TypeProto.Tensor()
            type.elemType = 1
            var shape = Onnx_TensorShapeProto()
            for value in [Int64(-1), 4, 16] {
                var dim = Onnx_TensorShapeProto.Dimension()
                if value > 0 { dim.dimValue = value } else { dim.dimParam = "batch" }
                shape.dim.append(dim)
            }
            type.shape = shape
            input.type.tensorType = type
            graph.input.append(input)
        }
        var weight = Onnx_TensorProto()
        weight.name = "w"
        weight.dataType = 1
        weight.dims = [2, 4, 3]
        weight.floatData = (0..<24).map { Float($0) / 24 }
        graph.initializer.append(weight)
        var conv = Onnx_NodeProto()
        conv.name = "/m/conv/Conv"
        conv.opType = "Conv"
        conv.input = ["x", "w"]
        conv.output = ["c"]
        graph.node = [conv] + extra
        for name in outputs {
            var output = Onnx_ValueInfoProto()
            output.name = name
            graph.output.append(output)
        }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        model.opsetImport = [opset]
        model.graph = graph
        return model
    }

    func node(_ name: String, _ op: String, _ inputs: [String], _ outputs: [String]) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.name = name
        node.opType = op
        node.input = inputs
        node.output = outputs
        return node
    }

    func importError(_ model: Onnx_ModelProto, path: String = "tiny.onnx", folder: String? = nil) throws -> String {
        let data = try model.serializedData()
        do {
            _ = try ONNXImporter().importModel(data: data, path: path, externalDataFolder: folder)
            XCTFail("imported")
            return ""
        } catch let error as ModelError {
            return error.message
        }
    }

    func ints(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values
        return attribute
    }

    func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = value
        return attribute
    }

    func initializer(_ name: String, _ dims: [Int64], floats: [Float]? = nil, ints: [Int64]? = nil) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims
        if let floats { (t.dataType, t.floatData) = (1, floats) } else { (t.dataType, t.int64Data) = (7, ints ?? []) }
        return t
    }

    func testKeptAxisReductionMatMulBiasAndSoftmaxStayAChain() throws {
        // Conv → ReduceMean(keepdims) → Squeeze → MatMul + Add → Softmax: conv, global_avg_pool, dense, softmax output.
        var mean = node("/m/ReduceMean", "ReduceMean", ["c"], ["r"])
        mean.attribute = [ints("axes", [2]), int("keepdims", 1)]
        let nodes = [mean, node("/m/Squeeze", "Squeeze", ["r", "axes"], ["s"]), node("/m/MatMul", "MatMul", ["s", "dw"], ["z"]),
                     node("/m/Add", "Add", ["z", "db"], ["b"]), node("/m/Softmax", "Softmax", ["b"], ["p"])]
        var model = tinyModel(nodes, outputs: ["p"])
        model.graph.initializer += [initializer("axes", [1], ints: [-1]), initializer("dw", [2, 3], floats: [1, 2, 3, 4, 5, 6]),
                                    initializer("db", [3], floats: [0.5, -0.5, 0])]
        let network = try ONNXImporter().importModel(data: try model.serializedData(), path: "tiny.onnx")
        XCTAssertFalse(network.architecture.isGraph)
        XCTAssertEqual(network.architecture.layers.map(\.kind), [.conv1d, .globalAvgPool, .dense])
        XCTAssertEqual(network.architecture.layers.map(\.name), ["0", "1", "2"])
        XCTAssertEqual(network.architecture.outputActivation, .softmax)
        let dense = try XCTUnwrap(network.layers[2] as? Dense)
        XCTAssertEqual(dense.weight.values, [1, 4, 2, 5, 3, 6], "MatMul [in, out] becomes dense [out, in]")
        XCTAssertEqual(dense.bias?.values, [0.5, -0.5, 0])
    }

    func testUnsqueezeAfterReductionAndSumMakeAGraph() throws {
        // ReduceSum (keepdims 0) → Unsqueeze → Flatten → Sigmoid on two scalar outputs: a sum node, so a graph, and a
        // sigmoid output activation over both heads.
        var sum = node("/m/ReduceSum", "ReduceSum", ["c", "axes"], ["r"])
        sum.attribute = [int("keepdims", 0)]
        let nodes = [sum, node("/m/Unsqueeze", "Unsqueeze", ["r", "axes"], ["u"]), node("/m/Flatten", "Flatten", ["u"], ["f"]),
                     node("/m/p/Sigmoid", "Sigmoid", ["f"], ["p"]), node("/m/q/Sigmoid", "Sigmoid", ["r"], ["q"])]
        var model = tinyModel(nodes, outputs: ["p", "q"])
        model.graph.initializer.append(initializer("axes", [1], ints: [2]))
        let network = try ONNXImporter().importModel(data: try model.serializedData(), path: "tiny.onnx")
        XCTAssertTrue(network.architecture.isGraph)
        XCTAssertEqual(network.architecture.layers.map(\.kind), [.conv1d, .sum])
        XCTAssertEqual(network.outputs, ["p.0", "p.1", "q.0", "q.1"])
        XCTAssertEqual(network.architecture.outputActivation, .sigmoid)
        // Softmax over one of two scalar outputs has no output activation to become.
        var softmax = model
        softmax.graph.node[5].opType = "Softmax"
        let message = try importError(softmax)
        XCTAssertTrue(message.contains("node '/m/q/Sigmoid' (Softmax): softmax is supported only as the final output activation"), message)
    }

    func testTinyGraphImports() throws {
        let model = try ONNXImporter().importModel(data: try tinyModel([node("/m/relu/Relu", "Relu", ["c"], ["y"])], outputs: ["y"]).serializedData(),
                                                   path: "tiny.onnx")
        XCTAssertEqual(model.architecture.layers.map(\.name), ["m.conv.Conv", "m.relu.Relu"])
        XCTAssertEqual(model.profileHeads.map(\.shape), [[2, 14]])
    }

    func testUnsupportedOpIsNamed() throws {
        let message = try importError(tinyModel([node("/m/lstm/LSTM", "LSTM", ["c", "w", "w"], ["y"])], outputs: ["y"]))
        XCTAssertTrue(message.contains("node '/m/lstm/LSTM' (LSTM) is not supported"), message)
        XCTAssertTrue(message.hasPrefix("'tiny.onnx': "), message)
    }

    func testMatMulOfTwoDataTensorsIsRefused() throws {
        let nodes = [node("/m/flat/Flatten", "Flatten", ["c"], ["f"]), node("/m/MatMul", "MatMul", ["f", "f"], ["y"])]
        let message = try importError(tinyModel(nodes, outputs: ["y"]))
        XCTAssertTrue(message.contains("node '/m/MatMul' (MatMul) is not supported"), message)
    }

    func testMulOnDataIsRefused() throws {
        let message = try importError(tinyModel([node("/m/Mul", "Mul", ["c", "c"], ["y"])], outputs: ["y"]))
        XCTAssertTrue(message.contains("node '/m/Mul' (Mul) is not supported on data tensors"), message)
    }

    func testSecondInputIsRefused() throws {
        let nodes = [node("/m/Add", "Add", ["c", "control"], ["y"])]
        let message = try importError(tinyModel(nodes, outputs: ["y"], inputs: ["x", "control"]))
        XCTAssertTrue(message.contains("second input 'control'"), message)
    }

    /// The bpnet dynamo fixture with its first initializer's external location replaced.
    func relocated(_ location: String) throws -> Onnx_ModelProto {
        var model = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: path("bpnet", "dynamo"))))
        let index = try XCTUnwrap(model.graph.initializer[0].externalData.firstIndex { $0.key == "location" })
        model.graph.initializer[0].externalData[index].value = location
        return model
    }

    func testExternalDataLeavingTheFolderIsRefused() throws {
        let folder = Repo.fixture("graphs")
        for location in ["../x.data", "sub/../../x.data"] {
            let message = try importError(try relocated(location), path: folder + "/bpnet.dynamo.onnx", folder: folder)
            XCTAssertTrue(message.contains("initializer 'model.iconv.weight': external data '\(location)' leaves the model's folder"), message)
        }
    }

    func testAbsoluteExternalDataIsRefused() throws {
        let absolute = Repo.fixture("graphs/bpnet.dynamo.onnx.data")
        let message = try importError(try relocated(absolute), path: "bpnet.dynamo.onnx", folder: Repo.fixture("graphs"))
        XCTAssertTrue(message.contains("initializer 'model.iconv.weight': external data '\(absolute)' is an absolute path"), message)
    }

    func testMissingExternalDataIsRefused() throws {
        let message = try importError(try relocated("gone.data"), folder: Repo.fixture("graphs"))
        XCTAssertTrue(message.contains("initializer 'model.iconv.weight': external data 'gone.data': no such file"), message)
    }

    func testTruncatedExternalDataIsRefused() throws {
        let folder = TemporaryFolder()
        let model = folder.file("bpnet.dynamo.onnx"), data = folder.file("bpnet.dynamo.onnx.data")
        try FileManager.default.copyItem(atPath: path("bpnet", "dynamo"), toPath: model)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("bpnet", "dynamo") + ".data"))
        try bytes.prefix(5120).write(to: URL(fileURLWithPath: data))
        // model.fconv.weight starts at 5120: the first initializer past the cut.
        XCTAssertThrowsError(try ONNXImporter().importModel(path: model)) { error in
            let message = (error as? ModelError)?.message ?? "\(error)"
            XCTAssertTrue(message.contains("initializer 'model.fconv.weight': external data 'bpnet.dynamo.onnx.data' has 5120 bytes, fewer than offset 5120 + length 4800"), message)
        }
        // A declared length that is not what the shape needs.
        var proto = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: path("bpnet", "dynamo"))))
        let index = try XCTUnwrap(proto.graph.initializer[0].externalData.firstIndex { $0.key == "length" })
        proto.graph.initializer[0].externalData[index].value = "2000"
        let message = try importError(proto, folder: Repo.fixture("graphs"))
        XCTAssertTrue(message.contains("initializer 'model.iconv.weight': external data 'bpnet.dynamo.onnx.data': length 2000 bytes, but shape [8, 4, 21] needs 2688"), message)
    }

    func testInMemoryImportWithoutAFolderRefusesExternalData() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("two_branch", "dynamo")))
        XCTAssertThrowsError(try ONNXImporter().importModel(data: bytes, path: "fuzz.onnx", externalDataFolder: nil)) { error in
            XCTAssertTrue("\(error)".contains("initializer 'conv_a.weight': external data 'two_branch.dynamo.onnx.data': the model was read from memory"), "\(error)")
        }
        // With the path's folder, the same bytes import.
        XCTAssertNoThrow(try ONNXImporter().importModel(data: bytes, path: path("two_branch", "dynamo")))
    }

    func testInputLengthOverridesTheGraphs() throws {
        // The TorchScript BPNet computes its crop ends from the input's Shape, so they follow the length.
        let model = try ONNXImporter(inputLength: 300).importModel(path: path("bpnet", "ts"))
        XCTAssertEqual(model.architecture.layers.filter { $0.kind == .crop }.map { [$0.start, $0.end!] }, [[50, 250], [13, 287]])
        XCTAssertEqual(model.head(named: "profile")?.shape, [2, 200])
    }
}
