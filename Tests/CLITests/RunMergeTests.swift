import Foundation
import TestSupport
import XCTest

/// `plrp run` on the shipped data, shards joined by `plrp merge`, resumability and a run killed midway.
final class RunMergeTests: XCTestCase {
    static let region = "chr2R:1,000,001-1,060,000"
    static let files = ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "ohe.npz", "attr.npz",
                        "windows.bed", "seqlets.bed", "motifs.meme", "cwms.tsv", "matches.tsv", "instances.bed", "report.html"]

    func testRunDefaultsToTheShippedDataFromAnyFolder() throws {
        let folder = TemporaryFolder()
        // Run from an empty folder: the shipped data is found beside the binary; results/ is made here.
        let run = try runProcess(Repo.binary, ["run", "--region", Self.region, "--threads", "2"], currentDirectory: folder.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        for file in Self.files + ["manifest.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("results/\(file)")), file)
        }
        XCTAssertTrue(run.stdoutText.hasPrefix("plrp run: explained 399 windows"), run.stdoutText)
        XCTAssertTrue(run.stdoutText.contains("motifs: "), run.stdoutText)
        XCTAssertTrue(run.stdoutText.contains("files in results/: relevance.bedGraph.gz"), run.stdoutText)
        let manifest = try String(contentsOfFile: folder.file("results/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"command\" : \"run\""), manifest)
        XCTAssertTrue(manifest.contains("JASPAR2026_CORE_insects.meme"), manifest)

        // The same job again is left alone; --force redoes it with the same bytes.
        let again = try runProcess(Repo.binary, ["run", "--region", Self.region], currentDirectory: folder.path)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("already holds this job's results"), again.stderr)
        let before = try Self.files.map { try fileBytes(folder.file("results/\($0)")) }
        let forced = try runProcess(Repo.binary, ["run", "--region", Self.region, "--force", "--quiet"], currentDirectory: folder.path)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try Self.files.map { try fileBytes(folder.file("results/\($0)")) }, before)
    }

    func testShardsMergeIntoExactlyTheSingleRun() throws {
        let folder = TemporaryFolder()
        let single = try plrp("run", "--region", Self.region, "-o", folder.file("single"), "--quiet")
        XCTAssertEqual(single.status, 0, single.stderr)
        for i in 1...3 {
            let shard = try plrp("run", "--region", Self.region, "--shard", "\(i)/3", "-o", folder.file("s\(i)"), "--quiet")
            XCTAssertEqual(shard.status, 0, shard.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("s\(i)/motifs.meme")), "motifs wait for the merge")
        }
        // Whole windows, none lost or doubled: 399 windows as 133 + 133 + 133.
        let counts = (1...3).map { try! String(contentsOfFile: folder.file("s\($0)/windows.bed"), encoding: .utf8).split(separator: "\n").count }
        XCTAssertEqual(counts, [133, 133, 133])
        let merge = try plrp("merge", folder.file("s2"), folder.file("s3"), folder.file("s1"), "-o", folder.file("merged"), "--quiet")
        XCTAssertEqual(merge.status, 0, merge.stderr)
        for file in Self.files {
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("single/\(file)")), file)
        }
        // Incomplete or mixed shards are refused.
        var bad = try plrp("merge", folder.file("s1"), folder.file("s3"), "-o", folder.file("bad"))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("plrp: error: the folders are shards 1/3, 3/3"), bad.stderr)
        let other = try plrp("run", "--region", "chr2R:1,000,001-1,030,000", "--shard", "2/3", "-o", folder.file("o2"), "--quiet")
        XCTAssertEqual(other.status, 0, other.stderr)
        bad = try plrp("merge", folder.file("s1"), folder.file("o2"), folder.file("s3"), "-o", folder.file("bad"))
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("is a shard of another job"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("bad")))
    }

    func testKilledRunLeavesNoPartialFileAndARerunEqualsACleanRun() throws {
        let folder = TemporaryFolder()
        let out = folder.file("killed")
        let region = "chr2R:1,000,001-1,120,000"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repo.binary)
        process.arguments = ["run", "--region", region, "-o", out, "--quiet"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the run is writing (its temporary files exist), then kill it without warning.
        XCTAssertTrue(waitUntilWriting(out), "the run never started writing")
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        XCTAssertTrue(left.allSatisfy { $0.hasPrefix(".") && $0.contains(".partial-") }, "final files after a kill: \(left)")

        let rerun = try plrp("run", "--region", region, "-o", out, "--quiet")
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let clean = try plrp("run", "--region", region, "-o", folder.file("clean"), "--quiet")
        XCTAssertEqual(clean.status, 0, clean.stderr)
        for file in Self.files {
            XCTAssertEqual(try fileBytes(PathName(out, file)), try fileBytes(folder.file("clean/\(file)")), file)
        }
        // The killed run's temporary files are gone.
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out).contains { $0.contains(".partial-") })
    }

    private func PathName(_ folder: String, _ name: String) -> String { folder + "/" + name }
}
