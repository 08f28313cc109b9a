@testable import Explain
import XCTest

/// Each metric of `plrp evaluate` (docs/method.md) against a value worked out by hand.
final class ExplanationMetricsTests: XCTestCase {
    func testRMA() {
        // Positive mass 1 + 2 + 3 + 4 = 10, of which 2 + 4 on the ground truth; negatives do not count.
        let r: [Float] = [1, 2, -5, 3, 4]
        XCTAssertEqual(ExplanationMetrics.rma(r, truth: [false, true, true, false, true]), 0.6, accuracy: 1e-12)
        XCTAssertEqual(ExplanationMetrics.rma([-1, 0], truth: [true, true]), 0)
    }

    func testGini() {
        // |r| sorted: 0, 0, 0, 4 (n = 4, Σ = 4): (2·4 − 4 − 1)·4 / (4·4) = 0.75, the most a 4-vector reaches.
        XCTAssertEqual(ExplanationMetrics.gini([0, -4, 0, 0]), 0.75, accuracy: 1e-12)
        // Equal values: 0.
        XCTAssertEqual(ExplanationMetrics.gini([2, -2, 2, 2]), 0, accuracy: 1e-12)
        // 1, 2, 3: (−2·1 + 0·2 + 2·3) / (3·6) = 4/18.
        XCTAssertEqual(ExplanationMetrics.gini([3, 1, -2]), 4.0 / 18.0, accuracy: 1e-12)
    }

    func testAOPCAndRemovalOrder() {
        // Logits 5 → 3 → 2 → 2: drops 0, 2, 3, 3, mean 2.
        XCTAssertEqual(ExplanationMetrics.aopc([5, 3, 2, 2]), 2, accuracy: 1e-12)
        XCTAssertEqual(ExplanationMetrics.removalOrder([0.5, 2, -1, 2, 0]), [1, 3, 0, 4, 2])
    }

    func testPearsonAndRelativeChange() {
        XCTAssertEqual(ExplanationMetrics.pearson([1, 2, 3], [2, 4, 6]), 1, accuracy: 1e-12)
        XCTAssertEqual(ExplanationMetrics.pearson([1, 2, 3], [3, 2, 1]), -1, accuracy: 1e-12)
        // a = (1,2,3,4), b = (1,3,2,4): centred (−1.5,−0.5,0.5,1.5)·(−1.5,0.5,−0.5,1.5) = 4 over 5 → 0.8.
        XCTAssertEqual(ExplanationMetrics.pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, accuracy: 1e-12)
        XCTAssertEqual(ExplanationMetrics.pearson([1, 1], [1, 2]), 0)
        // ‖(3,4) − (0,0)‖... e = (3, 4), e′ = (3, 1): |(0, −3)| / 5 = 0.6.
        XCTAssertEqual(ExplanationMetrics.relativeChange(from: [3, 4], to: [3, 1]), 0.6, accuracy: 1e-12)
    }
}
