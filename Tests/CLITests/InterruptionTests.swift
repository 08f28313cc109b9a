import Foundation
import TestSupport
import XCTest

/// SIGINT and SIGTERM: partial files removed, one line, exit 128 + signal.
final class InterruptionTests: XCTestCase {
    func testInterruptedJobsRemoveTheirPartialFilesAndSaySoOnce() throws {
        let folder = TemporaryFolder()
        for (signal, code, existing) in [(SIGINT, Int32(130), false), (SIGTERM, Int32(143), true)] {
            let out = folder.file(existing ? "existing" : "new")
            if existing { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Repo.binary)
            process.arguments = ["run", "--region", "chr2R:1,000,001-1,400,000", "-o", out, "--quiet"]
            let errPath = folder.file("stderr-\(signal)")
            XCTAssertTrue(FileManager.default.createFile(atPath: errPath, contents: nil))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            XCTAssertTrue(waitUntilWriting(out), "the run never started writing")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .exit)
            XCTAssertEqual(process.terminationStatus, code)
            let stderr = try String(contentsOfFile: errPath, encoding: .utf8)
            XCTAssertEqual(stderr.split(separator: "\n").count, 1, stderr)
            XCTAssertTrue(stderr.hasPrefix("plrp: interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM"); removed "), stderr)
            if existing {
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "partial files left")
            } else {
                XCTAssertFalse(FileManager.default.fileExists(atPath: out), "the folder this run created is left")
            }
        }
    }
}
