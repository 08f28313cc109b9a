import Foundation
import TestSupport
import XCTest

/// Every saved fuzzing input — the corpora and any crash libFuzzer found (fixed since) — replayed through the plain
/// build of plrp-fuzz: each parser must return (with or without an error), never crash.
final class FuzzRegressionTests: XCTestCase {
    func testSavedInputsReplayWithoutCrashing() throws {
        let replay = URL(fileURLWithPath: Repo.binary).deletingLastPathComponent().appendingPathComponent("plrp-fuzz").path
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: replay), "plrp-fuzz is built by `swift build`")
        var replayed = 0
        for target in ["region", "bed", "narrowpeak", "safetensors", "architecture", "onnx", "meme"] {
            var files: [String] = []
            for folder in ["fuzz/corpus/\(target)", "fuzz/crashes/\(target)"] {
                let path = Repo.path(folder)
                for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() where !name.hasPrefix(".") {
                    files.append(path + "/" + name)
                }
            }
            XCTAssertFalse(files.isEmpty, "no saved inputs for \(target)")
            // In chunks, to keep command lines short.
            for start in stride(from: 0, to: files.count, by: 200) {
                let run = try runProcess(replay, [target] + files[start..<min(files.count, start + 200)])
                XCTAssertEqual(run.status, 0, "\(target): \(run.stderr.prefix(2000))")
            }
            replayed += files.count
        }
        XCTAssertGreaterThan(replayed, 7)
    }
}
