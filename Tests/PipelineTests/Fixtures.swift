import Foundation
import Pipeline
import TestSupport
import XCTest

/// What the library tests share: the shipped data, and one run over 30 kb of chr2R made through the library.
enum Shipped {
    static let model = Repo.path("data/models/default.safetensors")
    static let database = Repo.path("data/motifs/JASPAR2026_CORE_insects.meme")
    /// 199 windows of 300 bp every 150 bp.
    static let region = "chr2R:1,000,001-1,030,000"

    /// `plrp run`'s explain part over `regions`: PLRP-λ p = 0.5, windows every 150 bp.
    static func explainJob(regions: [String] = [region]) -> ExplainJob {
        ExplainJob(input: .genome(Repo.genome, regions: regions, step: 150), model: model, method: .plrp(0.5))
    }

    static func runJob(shard: WindowShard? = nil) -> RunJob {
        var explain = explainJob()
        explain.shard = shard
        return RunJob(explain: explain, motifs: MotifsJob(database: database))
    }

    /// Runs `job` into `path` through the library.
    @discardableResult
    static func run(_ job: RunJob, into path: String) throws -> RunReport {
        try job.run(into: try OutputDirectory(path: path), identity: try job.identity(), diagnostics: .silent)
    }

    private static let folder = TemporaryFolder()
    /// The finished run over `region` (made once per test process).
    static let runFolder: String = {
        let path = folder.file("run")
        _ = try! run(runJob(), into: path)
        return path
    }()
}

/// Collects warnings instead of printing them.
final class Warnings: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    var diagnostics: Diagnostics { Diagnostics { [self] message in lock.withLock { messages.append(message) } } }
    var all: [String] { lock.withLock { messages } }
}

/// The bit patterns of float arrays, so that equality means equal bytes (and NaN equals NaN).
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

/// Asserts that `body` throws a `PipelineError`-classified error of `kind` whose message contains `text`.
func assertPipelineError(_ kind: PipelineError.Kind, containing text: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("no error; expected one containing '\(text)'", file: file, line: line)
    } catch {
        guard let (found, message) = PipelineError.classify(error) else {
            return XCTFail("unclassified error \(error)", file: file, line: line)
        }
        XCTAssertEqual(found, kind, message, file: file, line: line)
        XCTAssertTrue(message.contains(text), "'\(message)' does not contain '\(text)'", file: file, line: line)
    }
}
