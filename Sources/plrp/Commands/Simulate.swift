import ArgumentParser
import Foundation
import Pipeline

/// `plrp simulate`: sequences with motifs planted at known places, for training and checking explanations.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthetic sequences with database motifs planted at known positions, their labels and the ground truth.",
        usage: "plrp simulate --motifs <meme> --ids <ids> -o <dir> [<options>]",
        discussion: """
        Each sequence gets each motif independently with probability --rate: then --copies sites sampled from the \
        motif's PFM are planted on a random strand, never overlapping another site, and the motif's label column is 1. \
        The background is uniform random A/C/G/T, or windows drawn uniformly from --background FASTA (at most 1% N). \
        Writes DIR/sequences.fa, DIR/labels.tsv (header: name, then one column per motif id), DIR/ground_truth.bed \
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
        var job = SimulationJob(database: motifs, ids: ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        job.count = n
        job.length = length
        job.background = background
        job.rate = rate
        job.copies = copies
        job.seed = seed
        Interruption.watch(out)
        let sites = try job.run(out: out)
        if !quiet { Console.note("simulated \(n) sequences of \(length) bp with \(sites) planted sites → \(out)") }
    }
}
