import Model
import TestSupport
import Tracks
import XCTest

/// Our gradients (input and every parameter) and batch-norm running statistics against PyTorch autograd.
final class BackwardParityTests: XCTestCase {
    /// Within 1e-4 of the largest reference magnitude, or 1e-5 absolute: a conv bias feeding batch normalisation
    /// in training mode has a true gradient of exactly 0, which both sides only approximate in float32.
    func close(_ ours: [Float], _ theirs: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, message, file: file, line: line)
        let scale = theirs.map(abs).max() ?? 0
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, max(1e-4 * scale, 1e-5), "\(message): worst deviation \(worst) vs scale \(scale)",
                                 file: file, line: line)
    }

    func testGradientsMatchAutograd() throws {
        for name in PyTorchParityTests.names {
            let base = Repo.fixture("models/\(name)")
            let model = try ModelFile.load(path: base + ".safetensors")
            let x = try NPZReader.read(path: base + ".io.npz", member: "x")
            func array(_ member: String) throws -> NPZReader.Array32 { try NPZReader.read(path: base + ".grad.npz", member: member) }
            let r = try array("r")
            let layers = model.layers.map { $0 as! TrainableLayer }
            let compute = Compute(threads: 2)
            var random = SeededRandom(seed: 1)
            let evalMode = layers.contains { $0.spec.kind == .dropout }
            var activations = [Tensor(shape: x.shape, values: x.values)]
            var caches: [TrainingCache] = []
            for layer in layers {
                if evalMode {
                    activations.append(layer.forward(activations.last!, compute: compute))
                    caches.append(TrainingCache())
                } else {
                    let (y, cache) = layer.trainingForward(activations.last!, compute: compute, random: &random)
                    activations.append(y)
                    caches.append(cache)
                }
            }
            var gradient = Tensor(shape: r.shape, values: r.values)
            for i in stride(from: layers.count - 1, through: 0, by: -1) {
                let result = layers[i].backward(input: activations[i], output: activations[i + 1], cache: caches[i],
                                                outputGradient: gradient, compute: compute)
                let names = layers[i].parameters.filter { !$0.suffix.hasPrefix("running_") }.map { "g_\(layers[i].spec.name).\($0.suffix)" }
                for (tensor, member) in zip(result.parameters, names) {
                    close(tensor.values, try array(member).values, "\(name) \(member)")
                }
                XCTAssertEqual(result.parameters.count, names.count)
                gradient = result.input
                if !evalMode, layers[i].spec.kind == .batchnorm1d {
                    let updated = layers[i].updated(parameters: layers[i].trainableParameters, cache: caches[i], momentum: 0.1)
                    let stats = Dictionary(uniqueKeysWithValues: updated.parameters.map { ($0.suffix, $0.tensor.values) })
                    close(stats["running_mean"]!, try array("after_\(layers[i].spec.name).running_mean").values, "\(name) running_mean")
                    close(stats["running_var"]!, try array("after_\(layers[i].spec.name).running_var").values, "\(name) running_var")
                }
            }
            close(gradient.values, try array("gx").values, "\(name) input gradient")
        }
    }
}
