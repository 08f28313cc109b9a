import Explain
import Model
import TestSupport
import Tracks
import XCTest

/// Our relevance against zennit 0.5's for every composite on four models (scripts/make_lrp_fixtures.py).
/// Tolerance: every entry within 1e-5 of the window's total relevance mass Σ|R|. (Entry-wise relative error is
/// not meaningful: a unit whose pre-activation nearly cancels, such as model d's dense unit with z = 0.0025 against
/// terms of order 0.5, amplifies float32 rounding in either implementation to ~2e-5 of the largest entry.)
final class ZennitParityTests: XCTestCase {
    func testEveryCompositeMatchesZennit() throws {
        for name in LRPFixture.names {
            let fixture = try LRPFixture(name)
            let x = fixture.input
            for composite in Composite.Name.allCases {
                let expected = try fixture.reference(composite.rawValue)
                let lrp = try LRP(model: fixture.model, composite: Composite(composite), outputRelevance: .one)
                let ours = lrp.explain(x, target: fixture.target, compute: Compute(threads: 2)).relevance
                XCTAssertEqual(ours.shape, expected.shape)
                let row = ours.rowLength
                for i in 0..<x.shape[0] {
                    let theirs = expected.values[(i * row)..<((i + 1) * row)]
                    let scale = theirs.map(abs).reduce(0, +)
                    let worst = zip(ours.values[(i * row)..<((i + 1) * row)], theirs).map { abs($0 - $1) }.max()!
                    XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "\(name) \(composite.rawValue) window \(i): worst \(worst), scale \(scale)")
                }
            }
        }
    }
}
