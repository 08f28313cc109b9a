import ArgumentParser
import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Pipeline
import Tracks

extension Aggregation: ExpressibleByArgument {}
extension ArrayOutput: ExpressibleByArgument {}

/// `plrp explain`: relevance per window by LRP / PLRP, or a baseline.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a model's output on every window: relevance arrays, windows and a manifest.",
        discussion: """
        By default the method is PLRP-λ with p = 0.5 (epsilon-plus composite); --prune 0 is LRP. \
        Writes DIR/ohe.npz and DIR/attr.npz ([N, 4, L] float32, key arr_0), DIR/windows.bed (row i = window i) and \
        DIR/manifest.json (parameters, rules per layer, and the conservation check: the worst deviation of Σ input \
        relevance from the output relevance). With --target all, each window appears once per output, window-major, \
        its windows.bed name suffixed with |OUTPUT. \
        When windows have genome coordinates (--fasta or --bam), the per-base relevance (sum over the four channels) \
        is also written as a genome track: DIR/relevance.bedGraph.gz (BGZF, with its tabix index .tbi) and \
        DIR/relevance.bw, sorted in the FASTA index's contig order, equal runs merged, zeros left out. Overlapping \
        windows combine by --aggregate; a read's relevance reaches the reference through its CIGAR (inserted and \
        soft-clipped bases do not) and is averaged over the reads covering each base of the requested regions. With \
        --target all there is one track per output, relevance.OUTPUT.*. With --bam and --per-read, DIR/reads.bed lists \
        every read (the rows of windows.bed) with its total relevance in a seventh column. \
        An existing folder that holds files but no plrp manifest.json is refused unless --force is given; files of the \
        same names are replaced, others are left as they are.
        """)

    @OptionGroup var input: InputOptions

    @Option(help: "Model file (.safetensors).")
    var model: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @OptionGroup(title: "Method") var method: MethodOptions

    @Option(help: "Output to explain: a name or index, or 'all'. Default: the top logit (softmax) or the first output.")
    var target: String?

    @Option(help: "How overlapping windows combine per base in the tracks: mean, max-abs, or center (the window whose centre is nearest).")
    var aggregate: Aggregation = .mean

    @Option(help: "all; hypothetical: ohe.npz and hypothetical.npz only, what TF-MoDISco reads (no attr.npz: it is hypothetical × one-hot); or none: no arrays (they grow with the genome), only windows.bed, the tracks and the manifest.")
    var arrays: ArrayOutput = .all

    @Flag(inversion: .prefixedNo, help: "Write the genome tracks (relevance.bedGraph.gz, .tbi, .bw) when windows have genome coordinates.")
    var tracks = true

    @Flag(help: "With --bam: also write reads.bed, each read (window) with its total relevance in a 7th column.")
    var perRead = false

    @Option(help: "Explain only part I of N of the windows (1-based, e.g. 2/8): equal shares of whole windows, in order; `plrp merge` joins the parts.")
    var shard: String?

    @Option(help: "Windows per batch.")
    var batchSize: Int = 256

    @Flag(help: "Write into an existing non-empty folder even if plrp did not write it.")
    var force = false

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if perRead && input.bam == nil { throw ValidationError("--per-read needs --bam input") }
    }

    /// The library's explain job for these options.
    func job() throws -> ExplainJob {
        var job = ExplainJob(input: input.inputDescription, model: model, method: method.configuration)
        job.target = target
        job.aggregate = aggregate
        job.tracks = tracks
        job.arrays = arrays
        job.perRead = perRead
        job.shard = try Self.shard(shard)
        job.batchSize = batchSize
        job.threads = input.threads
        return job
    }

    func run() throws {
        if !force { try OutputCheck.refuseForeignFolder(out) }
        Interruption.watch(out)
        let folder = try OutputCheck.folder(out)
        let explainer = try Explainer(try job())
        let report = try explainer.explain(into: folder, progress: Progress(unit: "windows", enabled: !quiet))
        try Manifest.commit("explain", parameters: report.parameters, inputs: report.inputs, results: report.results,
                            seconds: report.seconds, folder: folder)
        if !quiet { Console.note(report.summary(out: out)) }
    }

    /// `--shard I/N`, 1-based.
    static func shard(_ text: String?) throws -> WindowShard? {
        guard let text else { return nil }
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, index >= 1, index <= count else {
            throw UsageError("--shard '\(text)': expected I/N with 1 ≤ I ≤ N, e.g. 2/8")
        }
        return WindowShard(index: index, count: count)
    }
}
