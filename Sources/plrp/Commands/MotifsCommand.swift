import ArgumentParser
import Foundation
import GenomeIO
import Motifs
import Pipeline
import Tracks

/// `plrp motifs`: seqlets, motifs and database matches from an `explain` output folder.
struct MotifsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motifs",
        abstract: "Seqlets, motifs and database matches from a plrp explain output folder, or from a relevance track.",
        usage: "plrp motifs --input <dir> -o <dir> [<options>]\nplrp motifs --track <file> --fasta <fasta> -o <dir> [<options>]",
        discussion: """
        Reads DIR/ohe.npz, DIR/attr.npz and DIR/windows.bed (and DIR/hypothetical.npz when present: CWMs are then \
        means of hypothetical contributions, as TF-MoDISco's; without attr.npz, as after --arrays hypothetical, the \
        contributions are hypothetical × one-hot). Seqlets are called on per-base relevance (channel \
        sums) by a windowed-FDR test against a within-row permutation null; negative ones only in windows where the \
        output is on (a positive seqlet and a positive relevance sum; --negatives). A site seen in several \
        overlapping windows of one contig is one seqlet (a sign conflict is resolved by the mean track). Seqlets are \
        clustered into motifs by aligned cosine similarity of their contributions on both strands; clusters that are \
        the same motif are merged, those under max(--min-seqlets, --min-fraction of all clustered seqlets) or under \
        --min-bits (in all) or --min-core-bits (per column over its best 8 consecutive columns) of information are dropped; motifs are sorted by seqlets. Each motif's PFM and CWM are trimmed to \
        the informative core and compared with --database (MEME) by column Pearson correlation, with p-values \
        against random database columns and Benjamini–Hochberg q-values. Writes seqlets.bed, motifs.meme (PFMs), \
        cwms.tsv, matches.tsv, instances.bed, report.html and manifest.json into the output folder.

        With --track (a relevance.bw or relevance.bedGraph.gz of plrp explain or run) and --fasta instead of \
        --input, seqlets are called on the per-base track itself, contig by contig (or in each --regions interval), \
        in rows of 2,000 bases called 512 at a time (the null pools a block); the --max-seqlets strongest of each \
        sign are kept (seqlets.bed lists those), their sequences read from the FASTA, and clustered and matched as \
        above. Memory holds a block of rows and the kept seqlets, not the genome.
        """)

    @Option(help: "A plrp explain output folder.")
    var input: String?

    @Option(help: "A per-base relevance track (bigWig, or bgzipped and tabix-indexed bedGraph) to call seqlets on, instead of --input.")
    var track: String?

    @Option(help: "The genome FASTA of --track.")
    var fasta: String?

    @Option(help: "BED of regions of --track to call seqlets in (default: every contig of the track).")
    var regions: String?

    @Option(help: "Motif database in MEME format (e.g. data/motifs/JASPAR2026_CORE_insects.meme); no matching without it.")
    var database: String?

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Option(help: "Seqlet core width (bases summed by the caller's sliding window).")
    var window: Int = 12

    @Option(help: "Bases added on each side of a seqlet core.")
    var flank: Int = 6

    @Option(help: "False-discovery rate of the seqlet caller.")
    var fdr: Double = 0.001

    @Option(help: "Cosine similarity for a seqlet to join a motif.")
    var similarity: Float = 0.6

    @Option(help: "Fewest seqlets a motif must have.")
    var minSeqlets: Int = 10

    @Option(help: "Smallest share of a sign's clustered seqlets a motif must hold.")
    var minFraction: Double = 0.01

    @Option(help: "Least information content of a motif's PFM, in bits summed over its columns.")
    var minBits: Double = 4

    @Option(help: "Least mean information content per column over a motif's 8 most informative consecutive columns, in bits.")
    var minCoreBits: Double = 0.95

    @Option(help: "Where negative seqlets are called: output-on (windows with a positive seqlet and a positive relevance sum), everywhere, none.")
    var negatives: String = SeqletCaller.NegativeRule.whereOutputIsOn.rawValue

    @Option(help: "Strongest seqlets of each sign clustered (all are written; with --track, those kept and written).")
    var maxSeqlets: Int = 5000

    @Option(help: "q-value below which a database match is reported.")
    var matchQ: Double = 0.05

    @Option(help: "Random seed of the caller's permutation null.")
    var seed: UInt64 = 1

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if (input == nil) == (track == nil) { throw ValidationError("give one of --input (an explain folder) or --track (a relevance track)") }
        if track != nil, fasta == nil { throw ValidationError("--track needs --fasta, the genome the track lies on") }
        if input != nil, fasta != nil || regions != nil { throw ValidationError("--fasta and --regions go with --track, not --input") }
        guard SeqletCaller.NegativeRule(rawValue: negatives) != nil else {
            throw ValidationError("--negatives must be one of " + SeqletCaller.NegativeRule.allCases.map(\.rawValue).joined(separator: ", "))
        }
        do {
            try job.validate()
        } catch let error as PipelineError {
            throw ValidationError(error.message)
        }
    }

    /// The library's motifs job for these options.
    var job: MotifsJob {
        var job = MotifsJob(database: database)
        job.seqletWindow = window
        job.flank = flank
        job.fdr = fdr
        job.similarity = similarity
        job.minSeqlets = minSeqlets
        job.minFraction = minFraction
        job.minBits = minBits
        job.minCoreBits = minCoreBits
        job.negatives = SeqletCaller.NegativeRule(rawValue: negatives) ?? .whereOutputIsOn
        job.maxSeqlets = maxSeqlets
        job.matchQ = matchQ
        job.seed = seed
        return job
    }

    func run() throws {
        let trackJob = track.map { TrackMotifsJob(track: $0, fasta: fasta ?? "", regions: regions, motifs: job) }
        try trackJob?.checkInputs()
        let arrays = try input.map(ExplainArrays.checked(folder:))
        Interruption.watch(out)
        let folder = try OutputCheck.folder(out)
        let report = try trackJob.map { try $0.run(into: folder) } ?? job.run(from: arrays!, into: folder)
        try Manifest.commit("motifs", parameters: report.parameters, inputs: report.inputs, results: report.results,
                            seconds: report.seconds, folder: folder)
        if !quiet { Console.note(report.summary + " → \(out)") }
    }
}
