import Foundation
import Model
import TestSupport
import XCTest

final class GraphModelTests: XCTestCase {
    /// The graph evaluated the plain way: each node by name, recursively, with fresh tensors (no in-place work, no
    /// reordering, no ReLU/max-pool swap).
    func reference(_ model: Network, _ x: Tensor, node name: String, memo: inout [String: Tensor]) -> Tensor {
        if name == Architecture.inputName { return x }
        if let known = memo[name] { return known }
        let index = model.architecture.layers.firstIndex { $0.name == name }!
        let spec = model.architecture.layers[index], layer = model.nodes[index].layer
        let inputs = spec.inputs.map { reference(model, x, node: $0, memo: &memo) }
        let out = (layer as? JoinLayer)?.forward(inputs) ?? layer.forward(inputs[0], compute: Compute())
        memo[name] = out
        return out
    }

    func testGraphRunsAsItsNodesComposed() throws {
        for json in [GraphModels.bpnetJSON(), GraphModels.branchesJSON()] {
            let model = try GraphModels.model(json)
            let x = GraphModels.oneHot(count: 5, length: model.inputLength)
            var memo: [String: Tensor] = [:]
            var expected: [Float] = []
            for head in model.scalarHeads {
                expected += reference(model, x, node: model.architecture.heads.first { $0.name == head.name }!.node, memo: &memo).values
            }
            XCTAssertFalse(expected.isEmpty)
            XCTAssertEqual(model.logits(x, compute: Compute(threads: 2)).values, expected)
            for (head, profile) in zip(model.profileHeads, model.profiles(x, compute: Compute())) {
                let node = model.architecture.heads.first { $0.name == head.name }!.node
                XCTAssertEqual(profile.values, reference(model, x, node: node, memo: &memo).values)
            }
            XCTAssertEqual(model.profiles(x, compute: Compute()).count, model.profileHeads.count)
        }
    }

    func testHeadsShapesAndOutputNames() throws {
        let bpnet = try GraphModels.model(GraphModels.bpnetJSON(length: 96, trimming: 24))
        XCTAssertEqual(bpnet.heads.map(\.name), ["profile", "counts"])
        XCTAssertEqual(bpnet.heads.map(\.shape), [[2, 48], [1]])
        XCTAssertEqual(bpnet.outputs, ["counts"])
        XCTAssertEqual(bpnet.firstLinearNodes.map { bpnet.nodes[$0].layer.spec.name }, ["iconv"])
        let branches = try GraphModels.model(GraphModels.branchesJSON())
        XCTAssertEqual(branches.outputs, ["t0", "t1"])
        XCTAssertEqual(Set(branches.firstLinearNodes.map { branches.nodes[$0].layer.spec.name }), ["a", "b"])
        XCTAssertFalse(branches.isChain)
    }

    func testVersion2FileRoundTrips() throws {
        let model = try GraphModels.model(GraphModels.bpnetJSON())
        let data = ModelFile.encode(model)
        let reloaded = try ModelFile.load(data: data, path: "graph.safetensors")
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""format_version":"2""#), "graph models are written as format_version 2")
        XCTAssertEqual(ModelFile.encode(reloaded), data)
        let x = GraphModels.oneHot(count: 3, length: model.inputLength)
        XCTAssertEqual(reloaded.logits(x, compute: Compute()).values, model.logits(x, compute: Compute()).values)
        XCTAssertEqual(reloaded.profiles(x, compute: Compute())[0].values, model.profiles(x, compute: Compute())[0].values)
    }

    /// A chain written as a graph (explicit inputs, one head) runs exactly as the chain.
    func testChainAsGraphEqualsChain() throws {
        let chain = ModelBuilder.defaultArchitecture(inputLength: 100, outputs: ["y"], activation: .sigmoid)
        var nodes = chain.layers
        for i in nodes.indices { nodes[i].inputs = [i == 0 ? Architecture.inputName : nodes[i - 1].name] }
        let graph = Architecture(inputLength: 100, nodes: nodes, heads: [HeadSpec(name: "y", node: nodes.last!.name)],
                                 outputActivation: .sigmoid)
        let a = try ModelBuilder.initialised(chain, seed: 5), b = try ModelBuilder.initialised(graph, seed: 5)
        XCTAssertTrue(a.isChain)
        let x = GraphModels.oneHot(count: 20, length: 100)
        XCTAssertEqual(a.logits(x, compute: Compute()).values, b.logits(x, compute: Compute()).values)
    }

    func expectError(_ json: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try GraphModels.model(json), file: file, line: line) { error in
            let message = (error as? ModelError)?.message ?? "\(error)"
            for fragment in fragments { XCTAssertTrue(message.contains(fragment), "'\(fragment)' in \(message)", file: file, line: line) }
        }
    }

    func testBadGraphsNameTheNode() {
        let base = GraphModels.bpnetJSON()
        expectError(base.replacingOccurrences(of: #""inputs": ["irelu"], "in_channels""#, with: #""inputs": ["add2"], "in_channels""#),
                    ["cycle"])
        expectError(base.replacingOccurrences(of: #""inputs": ["rconv0"]"#, with: #""inputs": ["nowhere"]"#),
                    ["node 'rrelu0' (relu)", "'nowhere'"])
        expectError(base.replacingOccurrences(of: #""inputs": ["irelu", "rrelu0"]"#, with: #""inputs": ["irelu", "input"]"#),
                    ["node 'add0' (add)", "differ in shape"])
        expectError(GraphModels.branchesJSON().replacingOccurrences(of: #""out_channels": 3, "kernel_size": 3, "padding": "same""#,
                                                                      with: #""out_channels": 3, "kernel_size": 3, "padding": 0"#),
                    ["node 'cat' (concat)"])
        expectError(base.replacingOccurrences(of: #""node": "linear"}"#, with: #""node": "mean"}"#), ["node 'linear' (dense) feeds no head"])
        expectError(base.replacingOccurrences(of: #""node": "crop""#, with: #""node": "cropped""#), ["head 'profile'", "'cropped'"])
        expectError(base.replacingOccurrences(of: #""start": 24"#, with: #""start": 90"#), ["node 'crop' (crop)"])
        expectError(base.replacingOccurrences(of: #""name": "irelu""#, with: #""name": "iconv""#), ["two nodes are named 'iconv'"])
    }
}
