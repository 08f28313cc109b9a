import Foundation
import TestSupport
import XCTest

/// Examples/ExplainRegion compiles with the package (`swift build` builds it) and runs on the shipped data.
final class ExampleTests: XCTestCase {
    func testExplainRegionPrintsTheTopBases() throws {
        let binary = URL(fileURLWithPath: Repo.binary).deletingLastPathComponent().appendingPathComponent("ExplainRegion").path
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: binary), "build the package first (swift build)")
        let run = try runProcess(binary, ["chr2R:1,000,001-1,001,500"], currentDirectory: Repo.root.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, 11, run.stdoutText)
        XCTAssertTrue(lines[0].hasPrefix("explained 9 windows (epsilon_plus, PLRP-lambda)"), String(lines[0]))
        let top = lines.dropFirst().map { $0.split(separator: "\t") }
        XCTAssertTrue(top.allSatisfy { $0.count == 3 && $0[0].hasPrefix("chr2R:") && "ACGTN".contains($0[1].uppercased()) })
        let magnitudes = top.map { abs(Double($0[2])!) }
        XCTAssertEqual(magnitudes, magnitudes.sorted(by: >))
    }
}
