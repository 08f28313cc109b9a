import GenomeIO
import XCTest

final class WindowPlanTests: XCTestCase {
    /// The plan's rules spelled out one window at a time, as the reference for `count`.
    func enumerate(_ plan: WindowPlan, _ region: GenomicRegion) -> [Int] {
        var starts: [Int] = []
        var start = region.start
        while start < region.end {
            switch plan.edges {
            case .skip:
                if start + plan.length <= region.end { starts.append(start) }
            case .pad:
                let previousCovers = starts.last.map { $0 + plan.length >= region.end } ?? false
                if previousCovers { return starts }
                starts.append(start)
            }
            start += plan.step
        }
        return starts
    }

    func testCountsMatchEnumeration() throws {
        for length in [1, 5, 10, 200] {
            for step in [1, 3, 10, 50, 250] {
                for edges in EdgePolicy.allCases {
                    let plan = try WindowPlan(length: length, step: step, edges: edges)
                    for span in [1, 2, 9, 10, 11, 199, 200, 201, 537] {
                        let region = GenomicRegion(contig: "c", start: 1000, end: 1000 + span)
                        let expected = enumerate(plan, region)
                        XCTAssertEqual(plan.count(over: region), expected.count, "L=\(length) S=\(step) \(edges) span=\(span)")
                        XCTAssertEqual((0..<plan.count(over: region)).map { plan.window($0, over: region).start }, expected)
                    }
                }
            }
        }
    }

    func testPadCoversEveryBase() throws {
        let plan = try WindowPlan(length: 100, step: 100, edges: .pad)
        let region = GenomicRegion(contig: "c", start: 0, end: 250)
        XCTAssertEqual(plan.count(over: region), 3)
        XCTAssertEqual(plan.window(2, over: region), Window(contig: "c", start: 200, end: 300))
    }

    func testRejectsNonPositiveSizes() {
        XCTAssertThrowsError(try WindowPlan(length: 0, step: 1))
        XCTAssertThrowsError(try WindowPlan(length: 10, step: 0))
    }
}
