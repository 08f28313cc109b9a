import Foundation
import GenomeIO
import Tracks

/// `manifest.json`: what ran, with which parameters and inputs, and how long it took, so a result can be traced
/// and rerun. Keys are sorted so that the file is stable apart from its timings.
public struct Manifest {
    public var command: String
    public var parameters: [String: Any] = [:]
    public var inputs: [String: String] = [:]
    public var results: [String: Any] = [:]
    public var timings: [String: Double] = [:]
    /// The command line recorded (the process's arguments by default).
    public var arguments: [String] = Array(CommandLine.arguments.dropFirst())

    public init(command: String) { self.command = command }

    /// Records `path` with its MD5 checksum.
    public mutating func addInput(_ path: String) throws {
        inputs[path] = try FileChecksum.md5(path: path)
    }

    /// Writes the manifest of a finished job into `folder` (staged) and commits the folder.
    public static func commit(_ command: String, parameters: [String: Any], inputs: [String], results: [String: Any],
                              seconds: Double, folder: OutputDirectory) throws {
        var manifest = Manifest(command: command)
        manifest.parameters = parameters
        for file in inputs { try manifest.addInput(file) }
        manifest.results = results
        manifest.timings = ["total": seconds]
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
    }

    /// The `parameters` object of `folder`'s manifest.json, or nil when there is none or it does not parse.
    public static func parameters(inFolder folder: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: PathName.join(folder, "manifest.json")),
              let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return document["parameters"] as? [String: Any]
    }

    public func write(to path: String) throws {
        let document: [String: Any] = [
            "plrp_version": plrpVersion,
            "command": command,
            "arguments": arguments,
            "parameters": parameters,
            "inputs_md5": inputs,
            "results": results,
            "timings_seconds": timings,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        guard FileManager.default.createFile(atPath: path, contents: data + Data("\n".utf8)) else {
            throw PipelineError.data("cannot write '\(path)'")
        }
    }
}
