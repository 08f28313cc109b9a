import ArgumentParser
import Foundation
import GenomeIO
import Model
import Motifs
import Pipeline
import Tracks

/// `plrp simulate`: sequences with motifs planted at known places, for training and checking explanations.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthetic sequences with database motifs planted at known positions, their labels and the ground truth.",
        discussion: """
        Each sequence gets each motif independently with probability --rate: then --copies sites sampled from the
        motif's PFM are planted on a random strand, never overlapping another site, and the motif's label column is 1.
        The background is uniform random A/C/G/T, or windows drawn uniformly from --background FASTA (at most 1% N).
        Writes DIR/sequences.fa, DIR/labels.tsv (header: name, then one column per motif id), DIR/ground_truth.bed
        (BED6: sequence name, 0-based start, end, motif id, 0, strand) and DIR/manifest.json.
        """)

    @Option(help: "Motif database in MEME format.")
    var motifs: String

    @Option(help: "Motif ids to plant, comma-separated (e.g. MA0049.1,MA0086.3).")
    var ids: String

    @Option(help: "Number of sequences.")
    var n: Int = 1000

    @Option(help: "Sequence length.")
    var length: Int = 200

    @Option(help: "Real-genome background: FASTA to draw windows from (default: uniform random bases).")
    var background: String?

    @Option(help: "Probability that a sequence carries a given motif.")
    var rate: Double = 0.5

    @Option(help: "Sites planted per carried motif.")
    var copies: Int = 1

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if n < 1 { throw ValidationError("--n must be at least 1") }
        if length < 1 { throw ValidationError("--length must be at least 1") }
        if !(rate >= 0 && rate <= 1) { throw ValidationError("--rate must be a probability in [0, 1]") }
        if copies < 1 { throw ValidationError("--copies must be at least 1") }
    }

    func run() throws {
        let started = Date()
        let database = try MEMEFile.read(path: motifs)
        let wanted = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !wanted.isEmpty else { throw UsageError("--ids names no motif") }
        let planted = try wanted.map { id -> Motif in
            guard let motif = database.first(where: { $0.id == id }) else {
                throw DataError("motif '\(id)' is not in '\(motifs)'")
            }
            return motif
        }
        let room = planted.reduce(0) { $0 + $1.width * copies }
        guard room <= length else {
            throw UsageError("--length \(length) cannot hold \(copies) copy(ies) of every motif (\(room) bases)")
        }
        var random = SeededRandom(seed: seed)
        var sampler: BackgroundSampler? = nil
        if let background {
            var s = BackgroundSampler(fasta: try FastaFile(path: background), length: length, avoid: [])
            s.tolerance = 1  // any GC content: the background is the genome as it is
            sampler = s
        }

        Interruption.watch(out)
        let folder = try OutputCheck.folder(out)
        let fasta = try TextFile(path: folder.stage("sequences.fa"))
        let labels = try TextFile(path: folder.stage("labels.tsv"))
        let truth = try TextFile(path: folder.stage("ground_truth.bed"))
        let manifestPath = folder.stage("manifest.json")
        try labels.write((["name"] + planted.map(\.id)).joined(separator: "\t") + "\n")
        let digits = String(n - 1).count
        var sites = 0
        for i in 0..<n {
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
                throw UsageError("--length \(length) is too short to place the motifs without overlap; use longer sequences")
            }
            let name = "seq" + String(repeating: "0", count: digits - String(i).count) + String(i)
            try fasta.write(">\(name)\(origin)\n")
            var line = 0
            while line < bases.count {
                let end = min(line + 60, bases.count)
                try fasta.write(String(decoding: bases[line..<end], as: UTF8.self) + "\n")
                line = end
            }
            let label = planted.indices.map { chosen.contains($0) ? "1" : "0" }
            try labels.write(([name] + label).joined(separator: "\t") + "\n")
            for site in placed {
                try truth.write("\(name)\t\(site.start)\t\(site.end)\t\(planted[site.motif].id)\t0\t\(site.strand)\n")
            }
            sites += placed.count
        }
        try fasta.close()
        try labels.close()
        try truth.close()
        var manifest = Manifest(command: "simulate")
        manifest.parameters = ["ids": wanted, "n": n, "length": length, "rate": rate, "copies": copies, "seed": seed,
                               "background": background ?? "uniform"]
        try manifest.addInput(motifs)
        if let background { try manifest.addInput(background) }
        manifest.results = ["sequences": n, "sites": sites]
        manifest.timings = ["total": Date().timeIntervalSince(started)]
        try manifest.write(to: manifestPath)
        try folder.commit()
        if !quiet { Console.note("simulated \(n) sequences of \(length) bp with \(sites) planted sites → \(out)") }
    }
}
