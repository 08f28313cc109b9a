import CKernels
@testable import Model
import TestSupport
import XCTest

/// The direct kernel for fewer than eight output channels, and the passes that fuse a conv with what follows it
/// (ReLU, a residual add, the split of a stacked [W; W⁺] conv, the product with the input after Wᵀs): each must give
/// the values of the nodes run one by one, bit for bit.
final class FusedConvolutionTests: XCTestCase {
    func conv(cin: Int, cout: Int, kernel: Int, dilation: Int, padding: Padding, random: inout SeededRandom) -> Conv1d {
        var spec = LayerSpec(kind: .conv1d, name: "c")
        spec.inChannels = cin
        spec.outChannels = cout
        spec.kernelSize = kernel
        spec.dilation = dilation
        spec.padding = padding
        return Conv1d(spec: spec, weight: Tensor(shape: [cout, cin, kernel], values: (0..<(cout * cin * kernel)).map { _ in random.uniform(-1, 1) }),
                      bias: Tensor(shape: [cout], values: (0..<cout).map { _ in random.uniform(-0.5, 0.5) }))
    }

    func testFewOutputChannelsEqualPlainConvolution() {
        var random = SeededRandom(seed: 8)
        for (cin, cout, kernel, dilation, padding, length, items) in [(64, 2, 75, 1, Padding.explicit(37), 300, 3), (5, 1, 3, 2, .same, 40, 17),
                                                                      (16, 3, 7, 1, .valid, 33, 2), (8, 4, 5, 3, .same, 100, 4),
                                                                      (12, 7, 1, 1, .valid, 9, 5), (64, 6, 9, 4, .same, 200, 2)] {
            let layer = conv(cin: cin, cout: cout, kernel: kernel, dilation: dilation, padding: padding, random: &random)
            XCTAssertTrue(layer.runsDirectSmall)
            let x = Tensor(shape: [items, cin, length], values: (0..<(items * cin * length)).map { _ in random.uniform(-2, 2) })
            let lout = layer.outputLength(for: length)
            let ours = layer.forward(x, compute: Compute(threads: 2))
            XCTAssertEqual(ours.shape, [items, cout, lout])
            var worst = 0.0, largest = 1.0
            for n in 0..<items {
                for o in 0..<cout {
                    for t in 0..<lout {
                        var sum = Double(layer.bias!.values[o])
                        for ci in 0..<cin {
                            for j in 0..<kernel {
                                let p = t + j * dilation - layer.padding.left
                                guard p >= 0, p < length else { continue }
                                sum += Double(layer.weight.values[(o * cin + ci) * kernel + j]) * Double(x.values[(n * cin + ci) * length + p])
                            }
                        }
                        worst = max(worst, abs(Double(ours.values[(n * cout + o) * lout + t]) - sum))
                        largest = max(largest, abs(sum))
                    }
                }
            }
            XCTAssertLessThan(worst / largest, 1e-5, "\(cin)→\(cout), kernel \(kernel)")
        }
    }

    /// CPUs without AVX-512 run the 8-float form of the small kernel: the same numbers.
    func testFewOutputChannelsNarrowKernelEqualsTheDispatchedOne() {
        var random = SeededRandom(seed: 9)
        for (cin, cout, taps, dilation, columns) in [(64, 2, 75, 1, 1296), (3, 1, 2, 3, 16), (16, 7, 9, 2, 400), (8, 4, 3, 1, 32)] {
            var g = plrp_direct_conv(cin: cin, cout: cout, taps: taps, dilation: dilation, columns: columns,
                                     row: columns + (taps - 1) * dilation)
            let weight = (0..<(cout * cin * taps)).map { _ in random.uniform(-1, 1) }
            let bias = (0..<cout).map { _ in random.uniform(-1, 1) }
            let x = (0..<(cin * g.row)).map { _ in random.uniform(-1, 1) }
            var packed = [Float](repeating: 0, count: Int(PLRP_CONV_OUT_BLOCK) * cin * taps)
            plrp_direct_conv_pack(&g, weight, &packed)
            var dispatched = [Float](repeating: .nan, count: cout * columns), narrow = dispatched
            plrp_direct_conv_forward_small(&g, packed, bias, x, &dispatched)
            plrp_direct_conv_forward_small_narrow(&g, packed, bias, x, &narrow)
            XCTAssertFalse(dispatched.contains { $0.isNaN })
            XCTAssertEqual(dispatched, narrow, "\(cin)→\(cout), \(taps) taps")
        }
    }

    func testFusedPassesEqualTheNodesRunInTurn() {
        var random = SeededRandom(seed: 10)
        let relu = Elementwise(spec: LayerSpec(kind: .relu, name: "r"))
        let add = Add(spec: LayerSpec(kind: .add, name: "a"))
        // Long items go through the kernel one by one, short ones side by side: both groupings.
        for (channels, dilation, length, items) in [(16, 2, 40, 5), (8, 64, 2114, 3)] {
            let layer = conv(cin: channels, cout: channels, kernel: 3, dilation: dilation, padding: .same, random: &random)
            let x = Tensor(shape: [items, channels, length], values: (0..<(items * channels * length)).map { _ in random.uniform(-1, 2) })
            let compute = Compute(threads: 2)
            let z = layer.forward(x, compute: compute), activated = relu.forward(z, compute: compute)
            XCTAssertEqual(layer.forwardResidual(x, compute: compute), add.forward([x, activated]))

            // [W; W⁺] stacked, as LRP builds it for zplus.
            var spec = layer.spec
            spec.outChannels *= 2
            let stacked = Conv1d(spec: spec, weight: Tensor(shape: [2 * channels, channels, 3], values: layer.weight.values + layer.weight.values.map { max($0, 0) }),
                                 bias: Tensor(shape: [2 * channels], values: layer.bias!.values + layer.bias!.values.map { max($0, 0) }))
            let both = stacked.forward(x, compute: compute)
            let half = channels * length
            let first = Tensor(shape: x.shape, values: (0..<items).flatMap { Array(both.values[(2 * $0 * half)..<((2 * $0 + 1) * half)]) })
            let second = Tensor(shape: x.shape, values: (0..<items).flatMap { Array(both.values[((2 * $0 + 1) * half)..<((2 * $0 + 2) * half)]) })
            XCTAssertEqual(first, z)
            let plain = stacked.forwardStacked(x, activate: false, residual: false, compute: compute)!
            XCTAssertEqual(plain.first, first)
            XCTAssertEqual(plain.second, second)
            XCTAssertNil(plain.sum)
            let fused = stacked.forwardStacked(x, activate: true, residual: true, compute: compute)!
            XCTAssertEqual(fused.first, activated)
            XCTAssertEqual(fused.second, second)
            XCTAssertEqual(fused.sum, add.forward([x, activated]))

            let s = Tensor(shape: x.shape, values: (0..<x.count).map { _ in random.uniform(-1, 1) })
            XCTAssertEqual(layer.transposed(s, times: x, compute: compute),
                           layer.transposed(s, inputLength: length, compute: compute).multiplied(by: x))
        }
    }

    /// Predictions skip the nodes no requested head needs and run residual blocks fused; every slot kept runs node by
    /// node. Both give the same heads.
    func testNetworkHeadsEqualTheNodesRunOneByOne() throws {
        let network = try GraphModels.model(GraphModels.bpnetJSON())
        let x = GraphModels.oneHot(count: 5, length: network.inputLength)
        let compute = Compute(threads: 2)
        let all = network.activations(x, compute: compute)
        let profile = network.heads.first(where: \.isProfile)!, counts = network.heads.first { !$0.isProfile }!
        XCTAssertEqual(network.logits(x, compute: compute), all[counts.slot])
        XCTAssertEqual(network.profiles(x, compute: compute), [all[profile.slot]])
        XCTAssertNotNil(network.residualBlockSource(at: 2))
        XCTAssertEqual(network.slots(reaching: [counts.slot]).contains(profile.slot), false)

        // Long items run in parts of `chunkItems`: the same values (the dense layer's sgemm may round differently
        // for fewer rows).
        let long = try GraphModels.model(GraphModels.bpnetJSON(length: 2114, filters: 64, layers: 1, trimming: 557))
        let y = GraphModels.oneHot(count: 5, length: 2114)
        let whole = long.activations(y, compute: compute)
        let longCounts = long.heads.first { !$0.isProfile }!, longProfile = long.heads.first(where: \.isProfile)!
        XCTAssertEqual(long.profiles(y, compute: compute), [whole[longProfile.slot]])
        let logits = long.logits(y, compute: compute)
        XCTAssertEqual(logits.shape, whole[longCounts.slot].shape)
        for (a, b) in zip(logits.values, whole[longCounts.slot].values) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b))) }
    }

    /// Chunks stay at 16 items unless one item's values are long (then fewer, so that a chunk stays in cache).
    func testChunkItems() throws {
        XCTAssertEqual(try ModelFile.load(path: Repo.path("data/models/default.safetensors")).chunkItems, 16)
        XCTAssertEqual(try GraphModels.model(GraphModels.bpnetJSON()).chunkItems, 16)
        let long = try GraphModels.model(GraphModels.bpnetJSON(length: 2114, filters: 64, layers: 1, trimming: 557))
        XCTAssertEqual(long.chunkItems, 2)
    }
}
