import Explain
import Model
import TestSupport
import Tracks
import XCTest

final class BaselineTests: XCTestCase {
    /// Gradient × input and saliency against PyTorch autograd on the LRP fixture models.
    func testGradientBaselinesMatchAutograd() throws {
        for name in LRPFixture.names {
            let fixture = try LRPFixture(name)
            let (model, input) = (fixture.model, fixture.input)
            let targets = Array(repeating: fixture.target, count: input.shape[0])
            for (member, ours) in [
                ("gradient_x_input", InputGradient.timesInput(model, input: input, targets: targets, compute: Compute(threads: 2))),
                ("saliency", InputGradient.saliency(model, input: input, targets: targets, compute: Compute(threads: 2))),
            ] {
                let expected = try fixture.reference(member).values
                XCTAssertEqual(ours.values.count, expected.count, "\(name) \(member)")
                XCTAssertFalse(expected.isEmpty, "\(name) \(member)")
                let scale = expected.map(abs).max() ?? 0
                let worst = zip(ours.values, expected).map { abs($0 - $1) }.max() ?? .infinity
                XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "\(name) \(member)")
            }
        }
    }

    /// ISM against a plain loop: each base changed to each other base, one forward pass at a time.
    func testISMEqualsBruteForce() throws {
        let model = try ModelFile.load(path: Repo.fixture("lrp/c_elu_globalavg.safetensors"))
        let x = try NPZReader.read(path: Repo.fixture("lrp/c_elu_globalavg.npz"), member: "x")
        let n = 2, length = x.shape[2], row = 4 * length
        let input = Tensor(shape: [n, 4, length], values: Array(x.values[0..<(n * row)]))
        let ours = InSilicoMutagenesis.compute(model, input: input, targets: [1, 1], compute: Compute(threads: 2))
        for w in 0..<n {
            let window = Array(input.values[(w * row)..<((w + 1) * row)])
            func logit(_ v: [Float]) -> Float { model.logits(Tensor(shape: [1, 4, length], values: v), compute: Compute()).values[1] }
            let reference = logit(window)
            for i in 0..<length {
                guard let base = (0..<4).first(where: { window[$0 * length + i] == 1 }) else {
                    XCTAssertEqual((0..<4).map { ours.values[w * row + $0 * length + i] }, [0, 0, 0, 0])
                    continue
                }
                var drops: Float = 0
                for other in 0..<4 where other != base {
                    var mutant = window
                    mutant[base * length + i] = 0
                    mutant[other * length + i] = 1
                    drops += reference - logit(mutant)
                }
                XCTAssertEqual(ours.values[w * row + base * length + i], drops / 3, accuracy: 1e-6)
                for other in 0..<4 where other != base { XCTAssertEqual(ours.values[w * row + other * length + i], 0) }
            }
        }
    }
}
