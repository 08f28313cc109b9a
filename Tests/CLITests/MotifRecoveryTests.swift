import Foundation
import TestSupport
import XCTest

/// The done-when of motif discovery at small scale, on two tasks: JASPAR motifs planted (`plrp simulate`) in dm3
/// background (insects) and in uniform random background (vertebrates), a model trained on them (`plrp train`),
/// explained with PLRP (`plrp explain`), and `plrp motifs` must find each planted motif among a discovered motif's
/// significant matches (the top one for the insects), report at most twice as many motifs as were planted, call at
/// most 0.1 negative seqlets per row whose sequence holds no site of the explained output's motif, and reach seqlet
/// precision and recall ≥ 0.8 against the planted sites. `benchmarks/motifs.sh` runs the same at full scale beside
/// modisco-lite.
final class MotifRecoveryTests: XCTestCase {
    static let database = Repo.path("data/motifs/JASPAR2026_CORE_insects.meme")
    static let planted = ["MA0085.2", "MA0452.3", "MA1459.2"]  // Su(H), Kr, M1BP

    /// One conv layer and a global max pool: a motif detector per output.
    static func architecture(length: Int, outputs: [String] = planted) -> String {
        """
        {"input": {"alphabet": "ACGT", "length": \(length)},
         "layers": [
           {"type": "conv1d", "name": "conv", "in_channels": 4, "out_channels": 32, "kernel_size": 15, "padding": "same"},
           {"type": "relu"}, {"type": "global_max_pool"},
           {"type": "dense", "name": "out", "in_features": 32, "out_features": \(outputs.count)}],
         "outputs": [\(outputs.map { "\"\($0)\"" }.joined(separator: ", "))], "output_activation": "sigmoid"}
        """
    }

    func testPlantedMotifsAreRecovered() throws {
        try recover(database: Self.database, planted: Self.planted, background: Repo.genome, topMatch: true)
    }

    func testPlantedVertebrateMotifsInRandomBackgroundAreRecovered() throws {
        // NRF1, TP53, CEBPB; the CEBP family's members match one another, so CEBPB need not be the top match.
        try recover(database: Repo.path("data/motifs/JASPAR2026_CORE_vertebrates.meme"),
                    planted: ["MA0506.3", "MA0106.3", "MA0466.4"], background: nil, topMatch: false)
    }

    private func recover(database: String, planted: [String], background: String?, topMatch: Bool) throws {
        let folder = TemporaryFolder()
        let sim = folder.file("sim"), model = folder.file("model.safetensors")
        try Self.architecture(length: 150, outputs: planted).write(toFile: folder.file("arch.json"), atomically: true, encoding: .utf8)
        var run = try plrp(["simulate", "--motifs", database, "--ids", planted.joined(separator: ","), "--n", "1000",
                            "--length", "150", "--seed", "3", "-o", sim, "--quiet"] + (background.map { ["--background", $0] } ?? []))
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("train", "--sequences", sim + "/sequences.fa", "--labels", sim + "/labels.tsv", "--architecture",
                       folder.file("arch.json"), "--learning-rate", "0.01", "--epochs", "30", "--patience", "5",
                       "--seed", "1", "--threads", "2", "-o", model, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("explain", "--model", model, "--sequences", sim + "/sequences.fa", "--target", "all", "--prune", "0.5",
                       "--threads", "2", "-o", folder.file("explain"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("motifs", "--input", folder.file("explain"), "--database", database, "-o", folder.file("motifs"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)

        // Every planted motif is a significant (top) match of a discovered motif.
        let matches = try String(contentsOfFile: folder.file("motifs/matches.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(matches.first, "motif\tdb_id\tdb_name\tp_value\tq_value\toffset\tstrand\tmatrix")
        var top: [String: (id: String, q: Double)] = [:]
        var significant = Set<String>()
        for line in matches.dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            if top[f[0]] == nil { top[f[0]] = (f[1], Double(f[4])!) }
            if Double(f[4])! < 0.05 { significant.insert(f[1]) }
        }
        for id in planted {
            if topMatch {
                XCTAssertTrue(top.values.contains { $0.id == id && $0.q < 0.05 }, "\(id) is no motif's top match: \(top)")
            } else {
                XCTAssertTrue(significant.contains(id), "\(id) is no motif's significant match: \(top)")
            }
        }
        // At most twice as many motifs as were planted.
        let meme = try String(contentsOfFile: folder.file("motifs/motifs.meme"), encoding: .utf8)
        let motifs = meme.components(separatedBy: "\nMOTIF ").count - 1
        XCTAssertGreaterThanOrEqual(motifs, planted.count)
        XCTAssertLessThanOrEqual(motifs, 2 * planted.count, "\(top)")

        let score = try SeqletScore(seqlets: folder.file("motifs/seqlets.bed"), truth: sim + "/ground_truth.bed",
                                    windows: folder.file("explain/windows.bed"))
        XCTAssertGreaterThanOrEqual(score.precision, 0.8, "\(score)")
        XCTAssertGreaterThanOrEqual(score.recall, 0.8, "\(score)")
        XCTAssertGreaterThan(score.rowsWithoutSite, 0)
        XCTAssertLessThanOrEqual(score.negativesPerRowWithoutSite, 0.1, "\(score)")
    }
}

/// Positive seqlets against planted sites: a seqlet in the row explaining output M of sequence S is right when its core
/// covers at least half of a site of motif M in S; a site is found when such a seqlet covers it. With `windows`, also
/// the negative seqlets per row (of windows.bed) whose sequence holds no site of the row's output's motif.
struct SeqletScore: CustomStringConvertible {
    let precision: Double
    let recall: Double
    let seqlets: Int
    let sites: Int
    var rowsWithoutSite = 0
    var negativesPerRowWithoutSite = 0.0

    init(seqlets path: String, truth: String, windows: String? = nil) throws {
        var sites: [String: [(Int, Int)]] = [:]
        for line in try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t")
            sites["\(f[0])|\(f[3])", default: []].append((Int(f[1])!, Int(f[2])!))
        }
        var right = 0, total = 0, negatives = 0
        var found = Set<String>()
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t").map(String.init)
            let name = f[3].split(separator: "|").map(String.init)  // pos|SEQUENCE|OUTPUT
            guard name[0] == "pos" else {
                if sites["\(f[0])|\(name.last!)"] == nil { negatives += 1 }
                continue
            }
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
        if let windows {
            for line in try String(contentsOfFile: windows, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
                let f = line.split(separator: "\t")
                if sites["\(f[0])|\(f[3].split(separator: "|").last!)"] == nil { rowsWithoutSite += 1 }
            }
            negativesPerRowWithoutSite = Double(negatives) / Double(max(rowsWithoutSite, 1))
        }
    }

    var description: String {
        String(format: "precision %.3f, recall %.3f (%d positive seqlets, %d planted sites); %.3f negative seqlets per row without a site (%d rows)",
               precision, recall, seqlets, sites, negativesPerRowWithoutSite, rowsWithoutSite)
    }
}
