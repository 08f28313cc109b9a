import Foundation
import TestSupport
import XCTest

/// The done-when of motif discovery at small scale: three JASPAR insect motifs planted in dm3 background
/// (`plrp simulate`), a model trained on them (`plrp train`), explained with PLRP (`plrp explain`), and `plrp motifs`
/// must find each planted motif as the top significant match of a discovered motif, with seqlets at precision and
/// recall ≥ 0.8 against the planted sites. `benchmarks/motifs.sh` runs the same at full scale.
final class MotifRecoveryTests: XCTestCase {
    static let database = Repo.path("data/motifs/JASPAR2026_CORE_insects.meme")
    static let planted = ["MA0085.2", "MA0452.3", "MA1459.2"]  // Su(H), Kr, M1BP

    /// One conv layer and a global max pool: a motif detector per output.
    static func architecture(length: Int) -> String {
        """
        {"input": {"alphabet": "ACGT", "length": \(length)},
         "layers": [
           {"type": "conv1d", "name": "conv", "in_channels": 4, "out_channels": 32, "kernel_size": 15, "padding": "same"},
           {"type": "relu"}, {"type": "global_max_pool"},
           {"type": "dense", "name": "out", "in_features": 32, "out_features": \(planted.count)}],
         "outputs": [\(planted.map { "\"\($0)\"" }.joined(separator: ", "))], "output_activation": "sigmoid"}
        """
    }

    func testPlantedMotifsAreRecovered() throws {
        let folder = TemporaryFolder()
        let sim = folder.file("sim"), model = folder.file("model.safetensors")
        try Self.architecture(length: 150).write(toFile: folder.file("arch.json"), atomically: true, encoding: .utf8)
        var run = try plrp("simulate", "--motifs", Self.database, "--ids", Self.planted.joined(separator: ","), "--n", "1000",
                           "--length", "150", "--background", Repo.genome, "--seed", "3", "-o", sim, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("train", "--sequences", sim + "/sequences.fa", "--labels", sim + "/labels.tsv", "--architecture",
                       folder.file("arch.json"), "--learning-rate", "0.01", "--epochs", "30", "--patience", "5",
                       "--seed", "1", "--threads", "2", "-o", model, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("explain", "--model", model, "--sequences", sim + "/sequences.fa", "--target", "all", "--prune", "0.5",
                       "--threads", "2", "-o", folder.file("explain"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("motifs", "--input", folder.file("explain"), "--database", Self.database, "-o", folder.file("motifs"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)

        // Every planted motif is the top significant match of a discovered motif.
        let matches = try String(contentsOfFile: folder.file("motifs/matches.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(matches.first, "motif\tdb_id\tdb_name\tp_value\tq_value\toffset\tstrand\tmatrix")
        var top: [String: (id: String, q: Double)] = [:]
        for line in matches.dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            if top[f[0]] == nil { top[f[0]] = (f[1], Double(f[4])!) }
        }
        for id in Self.planted {
            XCTAssertTrue(top.values.contains { $0.id == id && $0.q < 0.05 }, "\(id) is no motif's top match: \(top)")
        }

        let score = try SeqletScore(seqlets: folder.file("motifs/seqlets.bed"), truth: sim + "/ground_truth.bed")
        XCTAssertGreaterThanOrEqual(score.precision, 0.8, "\(score)")
        XCTAssertGreaterThanOrEqual(score.recall, 0.8, "\(score)")
    }
}

/// Positive seqlets against planted sites: a seqlet in the row explaining output M of sequence S is right when its core
/// covers at least half of a site of motif M in S; a site is found when such a seqlet covers it.
struct SeqletScore: CustomStringConvertible {
    let precision: Double
    let recall: Double
    let seqlets: Int
    let sites: Int

    init(seqlets path: String, truth: String) throws {
        var sites: [String: [(Int, Int)]] = [:]
        for line in try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t")
            sites["\(f[0])|\(f[3])", default: []].append((Int(f[1])!, Int(f[2])!))
        }
        var right = 0, total = 0
        var found = Set<String>()
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t").map(String.init)
            let name = f[3].split(separator: "|").map(String.init)  // pos|SEQUENCE|OUTPUT
            guard name[0] == "pos" else { continue }
            total += 1
            let (core0, core1) = (Int(f[6])!, Int(f[7])!)
            let key = "\(f[0])|\(name.last!)"
            let hits = (sites[key] ?? []).filter { min(core1, $0.1) - max(core0, $0.0) >= ($0.1 - $0.0 + 1) / 2 }
            if !hits.isEmpty { right += 1 }
            for hit in hits { found.insert("\(key)|\(hit.0)") }
        }
        let siteCount = sites.values.reduce(0) { $0 + $1.count }
        precision = total == 0 ? 0 : Double(right) / Double(total)
        recall = siteCount == 0 ? 0 : Double(found.count) / Double(siteCount)
        seqlets = total
        self.sites = siteCount
    }

    var description: String {
        String(format: "precision %.3f, recall %.3f (%d positive seqlets, %d planted sites)", precision, recall, seqlets, sites)
    }
}
