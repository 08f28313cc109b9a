import Foundation
import GenomeIO
import Model
import Motifs
import Tracks

/// Synthetic training data, as `plrp simulate` makes it: sequences with database motifs planted at known places,
/// their labels and the ground truth, for training models and checking explanations against what was planted.
public struct SimulationJob {
    /// The MEME database and the ids of the motifs to plant.
    public var database: String
    public var ids: [String]
    public var count = 1000
    public var length = 200
    /// A FASTA to draw background windows from (at most 1% N); nil for uniform random bases.
    public var background: String?
    /// The probability that a sequence carries a given motif, and the sites planted when it does.
    public var rate = 0.5
    public var copies = 1
    public var seed: UInt64 = 1

    public init(database: String, ids: [String]) {
        self.database = database
        self.ids = ids
    }

    /// Writes sequences.fa, labels.tsv, ground_truth.bed and manifest.json into the folder `out` (created once the
    /// request is checked; files appear when all are written); returns the number of planted sites.
    public func run(out: String) throws -> Int {
        let started = Date()
        let motifs = try MEMEFile.read(path: database)
        guard !ids.isEmpty else { throw PipelineError.usage("--ids names no motif") }
        let planted = try ids.map { id -> Motif in
            guard let motif = motifs.first(where: { $0.id == id }) else { throw PipelineError.data("motif '\(id)' is not in '\(database)'") }
            return motif
        }
        let room = planted.reduce(0) { $0 + $1.width * copies }
        guard room <= length else {
            throw PipelineError.usage("--length \(length) cannot hold \(copies) copy(ies) of every motif (\(room) bases)")
        }
        var random = SeededRandom(seed: seed)
        var sampler: BackgroundSampler? = nil
        if let background {
            var s = BackgroundSampler(fasta: try FastaFile(path: background), length: length, avoid: [])
            s.tolerance = 1  // any GC content: the background is the genome as it is
            sampler = s
        }
        let folder = try OutputCheck.folder(out)
        let fasta = try TextFile(path: folder.stage("sequences.fa"))
        let labels = try TextFile(path: folder.stage("labels.tsv"))
        let truth = try TextFile(path: folder.stage("ground_truth.bed"))
        try labels.write((["name"] + planted.map(\.id)).joined(separator: "\t") + "\n")
        let digits = String(count - 1).count
        var sites = 0
        for i in 0..<count {
            var bases: [UInt8]
            var origin = ""
            if let sampler {
                let (window, fetched) = try sampler.sample(matching: [0.5], using: &random)[0]
                bases = fetched.map { b in b >= 0x61 && b <= 0x7a ? b - 0x20 : b }
                origin = " \(window.identifier(contigLength: window.end))"
            } else {
                let letters = Array("ACGT".utf8)
                bases = (0..<length).map { _ in letters[Int(random.next() >> 62)] }
            }
            let chosen = planted.indices.filter { _ in Double(random.next() >> 11) / Double(1 << 53) < rate }
            guard let placed = MotifPlanting.plant(planted, chosen: chosen, copies: copies, into: &bases, sequence: i, using: &random) else {
                throw PipelineError.usage("--length \(length) is too short to place the motifs without overlap; use longer sequences")
            }
            let name = "seq" + String(repeating: "0", count: digits - String(i).count) + String(i)
            try fasta.write(">\(name)\(origin)\n")
            for line in stride(from: 0, to: bases.count, by: 60) {
                try fasta.write(String(decoding: bases[line..<min(line + 60, bases.count)], as: UTF8.self) + "\n")
            }
            try labels.write(([name] + planted.indices.map { chosen.contains($0) ? "1" : "0" }).joined(separator: "\t") + "\n")
            for site in placed {
                try truth.write("\(name)\t\(site.start)\t\(site.end)\t\(planted[site.motif].id)\t0\t\(site.strand)\n")
            }
            sites += placed.count
        }
        try fasta.close()
        try labels.close()
        try truth.close()
        var manifest = Manifest(command: "simulate")
        manifest.parameters = ["ids": ids, "n": count, "length": length, "rate": rate, "copies": copies, "seed": seed,
                               "background": background ?? "uniform"]
        try manifest.addInput(database)
        if let background { try manifest.addInput(background) }
        manifest.results = ["sequences": count, "sites": sites]
        manifest.timings = ["total": Date().timeIntervalSince(started)]
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        return sites
    }
}
