import Foundation
import TestSupport
import XCTest

/// Same inputs and seed, byte-identical outputs for --threads 1, 2 and 4 (explain with tracks, motifs, run).
final class DeterminismTests: XCTestCase {
    func testThreadCountsGiveTheSameBytes() throws {
        let folder = TemporaryFolder()
        let files = ["ohe.npz", "attr.npz", "windows.bed", "relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw",
                     "seqlets.bed", "motifs.meme", "cwms.tsv", "matches.tsv", "instances.bed", "report.html"]
        for threads in ["1", "2", "4"] {
            let run = try plrp("run", "--region", "chr2R:2,000,001-2,045,000", "--threads", threads, "-o", folder.file("t\(threads)"), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        for file in files {
            let one = try fileBytes(folder.file("t1/\(file)"))
            XCTAssertEqual(try fileBytes(folder.file("t2/\(file)")), one, "threads 2: \(file)")
            XCTAssertEqual(try fileBytes(folder.file("t4/\(file)")), one, "threads 4: \(file)")
        }
        // PLRP-M and the baselines too, on the arrays.
        for method in [["--prune", "0.5", "--plrp", "m"], ["--method", "gradient-x-input"], ["--method", "ism"]] {
            var bytes: [Data] = []
            for threads in ["1", "4"] {
                let out = folder.file("m\(threads)")
                let run = try plrp(["explain", "--model", Repo.path("data/models/default.safetensors"), "--fasta", Repo.genome,
                                    "--region", "chr2R:3,000,001-3,006,000", "--threads", threads, "-o", out, "--quiet", "--no-tracks"] + method)
                XCTAssertEqual(run.status, 0, run.stderr)
                bytes.append(try fileBytes(out + "/attr.npz"))
                try FileManager.default.removeItem(atPath: out)
            }
            XCTAssertEqual(bytes[0], bytes[1], method.joined(separator: " "))
        }
    }
}
