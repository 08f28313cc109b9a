import GenomeIO
import TestSupport
import XCTest

final class RegionFileTests: XCTestCase {
    func write(_ text: String, name: String = "regions.bed", in folder: TemporaryFolder) -> String {
        let path = folder.file(name)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        return path
    }

    func testSkipsHeaderLinesAndAcceptsCRLF() throws {
        let folder = TemporaryFolder()
        let path = write("track name=x\r\nbrowser position chr2R:1-10\r\n# comment\r\n\r\nchr2R\t10\t20\tpeak1\r\nchr2R\t30\t45\r\n", in: folder)
        let entries = try RegionFile.read(path: path)
        XCTAssertEqual(entries.map(\.region), [
            GenomicRegion(contig: "chr2R", start: 10, end: 20, name: "peak1"),
            GenomicRegion(contig: "chr2R", start: 30, end: 45),
        ])
        XCTAssertEqual(entries.map(\.origin), ["\(path):5", "\(path):6"])
    }

    func testNarrowPeakSummit() throws {
        let folder = TemporaryFolder()
        let path = write("chr2R\t100\t300\tp1\t500\t.\t8.1\t5.2\t3.3\t120\nchr2R\t400\t500\tp2\t500\t.\t8.1\t5.2\t3.3\t-1\n",
                         name: "peaks.narrowPeak", in: folder)
        let regions = try RegionFile.read(path: path).map(\.region)
        XCTAssertEqual(regions[0].summitOffset, 120)
        XCTAssertNil(regions[1].summitOffset)
    }

    func testBadLinesNameFileAndLine() {
        let folder = TemporaryFolder()
        let cases: [(String, String)] = [
            ("chr2R\t10\n", "expected at least 3 columns"),
            ("chr2R\tten\t20\n", "start 'ten'"),
            ("chr2R\t10\t-5\n", "end '-5'"),
            ("chr2R\t20\t10\n", "start 20 is not before end 10"),
            ("chr2R\t20\t20\n", "start 20 is not before end 20"),
        ]
        for (text, expected) in cases {
            let path = write("# header\n" + text, in: folder)
            XCTAssertThrowsError(try RegionFile.read(path: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path):2: "), "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try RegionFile.read(path: "/nonexistent/x.bed")) { error in
            XCTAssertTrue("\(error)".contains("'/nonexistent/x.bed': no such file"), "\(error)")
        }
    }
}

final class PathNameTests: XCTestCase {
    func testFolder() {
        XCTAssertEqual(PathName.folder(of: "x"), ".")
        XCTAssertEqual(PathName.folder(of: "a/b/c.fa"), "a/b")
        XCTAssertEqual(PathName.folder(of: "/c.fa"), "/")
        XCTAssertEqual(PathName.folder(of: "a/b/"), "a")
        XCTAssertEqual(PathName.join("a/", "b"), "a/b")
        XCTAssertEqual(PathName.join("a", "b"), "a/b")
    }
}
