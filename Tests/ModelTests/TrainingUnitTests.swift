import Model
import XCTest

final class MetricsTests: XCTestCase {
    func testAUROCAgainstHandCount() {
        // Pairs (positive, negative): 0.9>0.3, 0.9>0.5, 0.4>0.3, 0.4<0.5 → 3 of 4.
        XCTAssertEqual(BinaryMetrics.auroc(scores: [0.9, 0.4, 0.3, 0.5], labels: [true, true, false, false]), 0.75)
        XCTAssertEqual(BinaryMetrics.auroc(scores: [0.5, 0.5], labels: [true, false]), 0.5, "ties count half")
        XCTAssertNil(BinaryMetrics.auroc(scores: [0.1], labels: [true]))
    }

    func testAveragePrecision() {
        // Ranking: P(0.9) N(0.8) P(0.7): precision at the positives 1 and 2/3 → (1 + 2/3) / 2.
        XCTAssertEqual(BinaryMetrics.auprc(scores: [0.9, 0.8, 0.7], labels: [true, false, true])!, (1 + 2.0 / 3) / 2, accuracy: 1e-12)
    }
}

final class LossAndOptimizerTests: XCTestCase {
    func testBinaryCrossEntropyAndGradientAgainstFiniteDifferences() {
        let logits = Tensor(shape: [2, 2], values: [0.3, -1.2, 2.5, 0])
        let labels: [Float] = [1, 0, 0, 1]
        let (loss, gradient) = Loss.evaluate(logits: logits, labels: labels, activation: .sigmoid)
        let expected = zip(logits.values, labels).map { z, y -> Double in
            let p = 1 / (1 + exp(-Double(z)))
            return -(Double(y) * log(p) + (1 - Double(y)) * log(1 - p))
        }.reduce(0, +) / 4
        XCTAssertEqual(loss, expected, accuracy: 1e-6)
        for i in 0..<4 {
            var up = logits, down = logits
            up.values[i] += 1e-2
            down.values[i] -= 1e-2
            let numeric = (Loss.evaluate(logits: up, labels: labels, activation: .sigmoid).loss
                           - Loss.evaluate(logits: down, labels: labels, activation: .sigmoid).loss) / 2e-2
            XCTAssertEqual(Double(gradient.values[i]), numeric, accuracy: 1e-4)
        }
    }

    func testSoftmaxCrossEntropyGradientSumsToZero() {
        let (_, gradient) = Loss.evaluate(logits: Tensor(shape: [1, 3], values: [1, 2, 0.5]), labels: [0, 1, 0], activation: .softmax)
        XCTAssertEqual(gradient.values.reduce(0, +), 0, accuracy: 1e-6)
        XCTAssertLessThan(gradient.values[1], 0)
    }

    func testAdamFirstStepMovesByLearningRate() {
        var adam = Adam(learningRate: 0.1)
        var parameters = [Tensor(shape: [2], values: [1, -1])]
        adam.update(&parameters, gradients: [Tensor(shape: [2], values: [3, -0.5])])
        // Bias-corrected first step: −lr · sign(g).
        XCTAssertEqual(parameters[0].values[0], 0.9, accuracy: 1e-5)
        XCTAssertEqual(parameters[0].values[1], -0.9, accuracy: 1e-5)
    }
}
