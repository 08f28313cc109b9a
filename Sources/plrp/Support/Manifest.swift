import Foundation
import GenomeIO

/// `manifest.json`: what ran, with which parameters and inputs, and how long it took, so a result can be traced
/// and rerun. Keys are sorted so that the file is stable apart from its timings.
struct Manifest {
    var command: String
    var parameters: [String: Any] = [:]
    var inputs: [String: String] = [:]
    var results: [String: Any] = [:]
    var timings: [String: Double] = [:]

    init(command: String) { self.command = command }

    mutating func addInput(_ path: String) throws {
        inputs[path] = try FileChecksum.md5(path: path)
    }

    func write(to path: String) throws {
        let document: [String: Any] = [
            "plrp_version": Plrp.version,
            "command": command,
            "arguments": Array(CommandLine.arguments.dropFirst()),
            "parameters": parameters,
            "inputs_md5": inputs,
            "results": results,
            "timings_seconds": timings,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        guard FileManager.default.createFile(atPath: path, contents: data + Data("\n".utf8)) else {
            throw DataError("cannot write '\(path)'")
        }
    }
}
