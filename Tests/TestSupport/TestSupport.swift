import Foundation
@_exported import struct Model.SeededRandom

/// Where the repository, its shipped data and the built `plrp` binary are, seen from a test.
public enum Repo {
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/TestSupport.swift
        return url
    }()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    public static let genome = path("data/genome/dm3_chr2R.fa.gz")
    public static let reads = path("data/reads/sm_treated1_chr2R.bam")
    public static func fixture(_ name: String) -> String { path("Tests/Fixtures/\(name)") }

    /// The `plrp` built beside the test bundle (`swift test` builds it), or `$PLRP_BIN`.
    public static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["PLRP_BIN"] { return explicit }
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleFolder.appendingPathComponent("plrp").path, path(".build/debug/plrp")]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return path(".build/debug/plrp")
    }()
}

/// The result of running a program to completion.
public struct ProcessResult {
    public let status: Int32
    public let stdout: Data
    public let stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `executable` with `arguments` (a name is looked up on PATH) and collects its output.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], currentDirectory: String? = nil,
                       environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if executable.contains("/") {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
    }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    // stdout through a pipe, stderr into a file: two pipes could fill and block the child.
    let out = Pipe()
    let errPath = NSTemporaryDirectory() + "plrp-stderr-" + UUID().uuidString
    guard FileManager.default.createFile(atPath: errPath, contents: nil) else {
        throw CocoaError(.fileWriteUnknown)
    }
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try err.close()
    let errData = FileManager.default.contents(atPath: errPath) ?? Data()
    return ProcessResult(status: process.terminationStatus, stdout: outData,
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `plrp` with `arguments`.
@discardableResult
public func plrp(_ arguments: String...) throws -> ProcessResult { try runProcess(Repo.binary, arguments) }

@discardableResult
public func plrp(_ arguments: [String]) throws -> ProcessResult { try runProcess(Repo.binary, arguments) }

/// A fresh temporary folder, removed when the returned object is released.
public final class TemporaryFolder {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "plrp-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The seeded generator randomized tests use (Model's SplitMix64), so they repeat exactly.
public typealias SeededGenerator = SeededRandom

/// Why `fileBytes` refused a file.
public enum FileBytesError: Error, CustomStringConvertible {
    case missing(String), empty(String)

    public var description: String {
        switch self {
        case .missing(let path): return "no file at \(path)"
        case .empty(let path): return "empty file at \(path)"
        }
    }
}

/// The bytes of the file at `path`, for comparing two outputs byte for byte: throws when the file is missing or
/// empty, so that `XCTAssertEqual(try fileBytes(a), try fileBytes(b))` cannot pass because neither was written.
public func fileBytes(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { throw FileBytesError.missing(path) }
    guard !data.isEmpty else { throw FileBytesError.empty(path) }
    return data
}

/// The PyTorch fixture models (Tests/Fixtures/models) exported by both ONNX exporters, with their inputs and logits.
public enum PyTorchParityNames {
    public static let all = ["a_bn_pools", "b_stride_globalmax", "c_exp_globalavg", "d_dilated_densebn"]
}

/// A labelled task for training tests: `n` random sequences of `length` bases, every odd one carrying TGACTCA at a
/// random position, written as `folder/PREFIX.fa` and `folder/PREFIX.tsv` (header `name  kmer`); returns the labels.
public func writeKmerTask(_ n: Int, length: Int, prefix: String, seed: UInt64, in folder: TemporaryFolder) throws -> [Bool] {
    var rng = SeededGenerator(seed: seed)
    var fasta = "", labels = "name\tkmer\n", truth: [Bool] = []
    for i in 0..<n {
        var s = (0..<length).map { _ in Array("ACGT")[Int(rng.next() % 4)] }
        let positive = i % 2 == 1
        if positive {
            let p = Int(rng.next() % UInt64(length - 7))
            s.replaceSubrange(p..<(p + 7), with: Array("TGACTCA"))
        }
        fasta += ">\(prefix)\(i)\n\(String(s))\n"
        labels += "\(prefix)\(i)\t\(positive ? 1 : 0)\n"
        truth.append(positive)
    }
    try fasta.write(toFile: folder.file("\(prefix).fa"), atomically: true, encoding: .utf8)
    try labels.write(toFile: folder.file("\(prefix).tsv"), atomically: true, encoding: .utf8)
    return truth
}

/// Waits up to 12 s until `folder` holds a file plrp is still writing (a `.partial-` name); whether it did.
public func waitUntilWriting(_ folder: String) -> Bool {
    for _ in 0..<600 {
        if ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains(where: { $0.contains(".partial-") }) {
            return true
        }
        usleep(20_000)
    }
    return false
}
