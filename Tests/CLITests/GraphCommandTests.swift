import Encoding
import Foundation
import Model
import TestSupport
import Tracks
import XCTest

/// Graph models through the command line: predict's columns and profiles, explaining a head, inspect, training.
final class GraphCommandTests: XCTestCase {
    let folder = TemporaryFolder()

    func writeModel(_ json: String, name: String) throws -> (Network, String) {
        let model = try GraphModels.model(json)
        let path = folder.file("\(name).safetensors")
        try ModelFile.encode(model).write(to: URL(fileURLWithPath: path))
        return (model, path)
    }

    func writeSequences(_ x: Tensor, name: String) throws -> String {
        let batch = OneHotBatch(count: x.shape[0], length: x.shape[2], values: x.values)
        let path = folder.file("\(name).fa")
        try (0..<x.shape[0]).map { ">w\($0)\n\(batch.decode(window: $0))\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testPredictWritesScalarColumnsAndProfiles() throws {
        let (model, path) = try writeModel(GraphModels.bpnetJSON(), name: "bpnet")
        let x = GraphModels.oneHot(count: 7, length: model.inputLength)
        let fasta = try writeSequences(x, name: "w")
        let profiles = folder.file("profiles.npz")
        let run = try plrp("predict", "--model", path, "--sequences", fasta, "--profiles", profiles, "--batch-size", "3")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.first, "window\tcounts")
        XCTAssertEqual(lines.count, 8)
        XCTAssertTrue(FileManager.default.fileExists(atPath: profiles))
        let written = try NPZReader.read(path: profiles, member: "profile")
        XCTAssertEqual(written.shape, [7, 2, 48])
        let expected = model.profiles(x, compute: Compute())[0].values
        XCTAssertEqual(written.values.count, expected.count)
        for (a, b) in zip(written.values, expected) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b))) }

        let chain = try plrp("predict", "--model", Repo.fixture("models/b_stride_globalmax.safetensors"), "--sequences", fasta,
                             "--profiles", folder.file("none.npz"))
        XCTAssertEqual(chain.status, 2)
        XCTAssertTrue(chain.stderr.hasPrefix("plrp: error:") && chain.stderr.contains("no profile head"), chain.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("none.npz")))
    }

    func testExplainTargetsAHeadByName() throws {
        let (model, path) = try writeModel(GraphModels.bpnetJSON(), name: "bpnet")
        let x = GraphModels.oneHot(count: 4, length: model.inputLength)
        let fasta = try writeSequences(x, name: "w")
        for target in ["profile", "counts"] {
            let out = folder.file("explain-\(target)")
            let run = try plrp("explain", "--model", path, "--sequences", fasta, "--target", target, "-o", out, "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
            let attr = try NPZReader.read(path: out + "/attr.npz")
            XCTAssertEqual(attr.shape, [4, 4, model.inputLength])
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as! [String: Any]
            XCTAssertEqual((manifest["parameters"] as! [String: Any])["targets"] as? [String], [target])
        }
        let bad = try plrp("explain", "--model", path, "--sequences", fasta, "--target", "shape", "-o", folder.file("bad"))
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("a profile head (profile)"), bad.stderr)
    }

    func testInspectPrintsTheGraph() throws {
        let (_, path) = try writeModel(GraphModels.bpnetJSON(), name: "bpnet")
        let run = try plrp("model", "inspect", path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let text = run.stdoutText
        for fragment in ["inputs", "add0", "irelu,rrelu0", "head profile: crop [2, 48] profile logits", "head counts: linear [1] scalar logits counts"] {
            XCTAssertTrue(text.contains(fragment), "'\(fragment)' in\n\(text)")
        }
    }

    /// A graph file whose wiring is broken gets one line naming the node, exit 1, and no output.
    func testBrokenGraphFilesAreRefusedByNode() throws {
        let model = try GraphModels.model(GraphModels.bpnetJSON())
        let x = GraphModels.oneHot(count: 2, length: model.inputLength)
        let fasta = try writeSequences(x, name: "w")
        var tensors: [(String, Tensor)] = []
        for layer in model.layers { for (suffix, tensor) in layer.parameters { tensors.append(("\(layer.spec.name).\(suffix)", tensor)) } }
        let cases = [
            (#""inputs":["irelu"],"kernel_size":3,"name":"rconv0""#, #""inputs":["add2"],"kernel_size":3,"name":"rconv0""#, "cycle"),
            (#""inputs":["irelu","rrelu0"]"#, #""inputs":["irelu","input"]"#, "node 'add0' (add)"),
            (#""inputs":["rconv1"]"#, #""inputs":["rconv9"]"#, "node 'rrelu1' (relu)"),
        ]
        for (index, (from, to, fragment)) in cases.enumerated() {
            let json = model.architecture.json()
            XCTAssertTrue(json.contains(from), "the case must change the document: \(from)")
            let metadata = ["format": "plrp-model", "format_version": "2", "architecture": json.replacingOccurrences(of: from, with: to)]
            let path = folder.file("broken\(index).safetensors")
            try SafeTensors.encode(tensors: tensors, metadata: metadata).write(to: URL(fileURLWithPath: path))
            let out = folder.file("broken\(index).tsv")
            let run = try plrp("predict", "--model", path, "--sequences", fasta, "-o", out)
            XCTAssertEqual(run.status, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error:") && run.stderr.contains(fragment), run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }

    func testTrainsAGraphArchitecture() throws {
        var rng = SeededGenerator(seed: 5)
        var fasta = "", labels = "name\tkmer\n"
        for i in 0..<600 {
            var s = (0..<40).map { _ in Array("ACGT")[Int(rng.next() % 4)] }
            if i % 2 == 1 {
                let p = Int(rng.next() % 33)
                s.replaceSubrange(p..<(p + 7), with: Array("TGACTCA"))
            }
            fasta += ">s\(i)\n\(String(s))\n"
            labels += "s\(i)\t\(i % 2)\n"
        }
        try fasta.write(toFile: folder.file("train.fa"), atomically: true, encoding: .utf8)
        try labels.write(toFile: folder.file("train.tsv"), atomically: true, encoding: .utf8)
        let json = GraphModels.branchesJSON(length: 40)
            .replacingOccurrences(of: #""out_features": 2"#, with: #""out_features": 1"#)
            .replacingOccurrences(of: #""outputs": ["t0", "t1"]"#, with: #""outputs": ["kmer"]"#)
        try json.write(toFile: folder.file("graph.json"), atomically: true, encoding: .utf8)
        let model = folder.file("graph.safetensors")
        let run = try plrp("train", "--sequences", folder.file("train.fa"), "--labels", folder.file("train.tsv"),
                           "--architecture", folder.file("graph.json"), "--seed", "2", "--epochs", "6", "-o", model, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: model))
        let trained = try ModelFile.load(path: model)
        XCTAssertTrue(trained.architecture.isGraph)
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("graph.training.json")))) as! [String: Any]
        let epochs = history["epochs"] as! [[String: Any]]
        XCTAssertFalse(epochs.isEmpty)
        let best = epochs.compactMap { $0["validation_auroc"] as? Double }.max() ?? 0
        XCTAssertGreaterThan(best, 0.75, "the graph learns the k-mer")

        let profile = GraphModels.bpnetJSON(length: 40, trimming: 10)
        try profile.write(toFile: folder.file("profile.json"), atomically: true, encoding: .utf8)
        let refused = try plrp("train", "--sequences", folder.file("train.fa"), "--labels", folder.file("train.tsv"),
                               "--architecture", folder.file("profile.json"), "-o", folder.file("p.safetensors"), "--quiet")
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("head 'profile' is a profile"), refused.stderr)
    }
}
