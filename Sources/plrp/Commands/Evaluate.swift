import ArgumentParser
import Explain
import Pipeline

/// `plrp evaluate`: explanation metrics (faithfulness, sparsity, robustness, agreement with ISM) for LRP, PLRP-λ/M over a
/// grid of p, and the baselines.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explanation metrics (RMA, Gini, AOPC, max-sensitivity, ISM agreement, time) for LRP, PLRP and baselines.",
        usage: "plrp evaluate --model <model> --sequences <fasta> -o <dir> [<options>]",
        discussion: """
        Evaluates LRP (--composite), PLRP-λ and PLRP-M at every p of --prune-grid above 0, gradient-x-input, saliency \
        and ISM on the sequences that carry ground truth for the explained output (BED: sequence name, start, end, and \
        optionally a name; when names equal the model's outputs, a site counts for its own output only). Per-base \
        relevance is the channel sum. RMA: positive relevance on the sites over all positive relevance. Gini of |r|. \
        AOPC: --aopc-steps steps, each setting the next 1% of bases (by decreasing relevance) to 0.25 in every channel, \
        averaging the drop of the target logit; aopc_random does the same in a random order. max_sensitivity: the \
        largest ‖e(x′) − e(x)‖/‖e(x)‖ over --robustness-samples random single-base substitutions outside the sites (not \
        computed for ISM, whose cost would be samples × 3L forward passes per sequence). ism_pearson: Pearson \
        correlation with ISM's per-base effect. seconds_per_window: the explanation alone. \
        Writes metrics.tsv (means over sequences), per_sequence.tsv, rma_vs_p.svg, gini_vs_p.svg, faithfulness.svg, \
        example.svg and manifest.json.
        """)

    @Option(help: "Model file.")
    var model: String

    @Option(help: "FASTA of sequences of the model's input length.")
    var sequences: String

    @Option(help: "BED of ground-truth sites: sequence name, 0-based start, end[, name]. Without it every sequence is evaluated and RMA is NA.")
    var groundTruth: String?

    @Option(help: "Values of p for PLRP, comma-separated.")
    var pruneGrid: String = "0,0.1,0.25,0.5,0.75,0.9"

    @Option(help: "Output to explain: a name or index (default: the first output; the top logit for softmax models).")
    var target: String?

    @Option(help: "LRP composite for LRP and PLRP.")
    var composite: Composite.Name = .epsilonPlus

    @Option(help: "AOPC removal steps (each 1% of the bases).")
    var aopcSteps: Int = 20

    @Option(help: "Random substitutions per sequence for max-sensitivity.")
    var robustnessSamples: Int = 10

    @Option(help: "Random seed (AOPC random order, substitutions, DeepLIFT/SHAP's shuffled references).")
    var seed: UInt64 = 1

    @Option(help: "Dinucleotide-shuffled references per sequence for the deeplift-shap rows.")
    var shuffles: Int = 20

    @Option(help: "Worker threads (default: every core; results do not depend on it).")
    var threads: Int = everyCore

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Flag(help: "No summary line.")
    var quiet = false

    func validate() throws {
        if aopcSteps < 1 || robustnessSamples < 0 { throw ValidationError("--aopc-steps must be ≥ 1 and --robustness-samples ≥ 0") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if shuffles < 1 { throw ValidationError("--shuffles must be at least 1, got \(shuffles)") }
    }

    func run() throws {
        let grid = try pruneGrid.split(separator: ",").map { text -> Float in
            guard let p = Float(text.trimmingCharacters(in: .whitespaces)), p >= 0, p < 1 else {
                throw UsageError("--prune-grid: '\(text)' is not a fraction in [0, 1)")
            }
            return p
        }
        var job = EvaluationJob(model: model, sequences: sequences)
        job.groundTruth = groundTruth
        job.pruneGrid = grid
        job.target = target
        job.composite = composite
        job.aopcSteps = aopcSteps
        job.robustnessSamples = robustnessSamples
        job.seed = seed
        job.shuffles = shuffles
        job.threads = threads
        Interruption.watch(out)
        let report = try job.run(out: out)
        if !quiet {
            Console.note(String(format: "evaluated %d methods on %d sequences in %.1f s → %@", report.methods, report.sequences, report.seconds, out))
        }
    }
}
