import ArgumentParser
import Foundation
import Model
import Pipeline

extension OutputActivation: ExpressibleByArgument {}

/// `plrp train`: fit a model from labelled sequences or from BED regions on a genome.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model from FASTA + labelled BED regions, or from labelled sequences.",
        discussion: """
        Writes MODEL and, beside it, MODEL without .safetensors plus .training.json (per-epoch loss and validation \
        AUROC/AUPRC). The validation set is --holdout PREFIX (examples whose name starts with it, e.g. chr2R:) or a \
        seeded random --validation-fraction. Training stops early when the validation loss has not improved for \
        --patience epochs; the best epoch's model is written.
        """)

    @Option(help: "FASTA of training sequences, all of one length (the model's input length).")
    var sequences: String?

    @Option(help: "TSV: sequence name, then one 0/1 column per task (an optional header names the tasks).")
    var labels: String?

    @Option(help: "Genome FASTA, with --positives.")
    var fasta: String?

    @Option(help: "BED/narrowPeak of positive regions: one window centred on each (on the summit for narrowPeak).")
    var positives: String?

    @Option(help: "BED of negative regions; default: GC-matched genome windows away from the positives, one per positive.")
    var negatives: String?

    @Option(help: "Window length for --fasta input.")
    var window: Int = 200

    @Option(help: "Add this many dinucleotide-shuffled copies of each positive as negatives (single-task data only).")
    var shuffledNegatives: Int = 0

    @Option(help: "Architecture JSON (a model file's 'architecture' document: a chain of 'layers' or a graph of 'nodes' with scalar 'heads'); default: the built-in DNA CNN.")
    var architecture: String?

    @Option(help: "Output activation of the built-in architecture.")
    var outputActivation: OutputActivation = .sigmoid

    @Option(help: "Validation examples: those whose name starts with this prefix.")
    var holdout: String?

    @Option(help: "Validation fraction when --holdout is not given.")
    var validationFraction: Double = 0.1

    @Option(help: "Maximum epochs.")
    var epochs: Int = 20

    @Option(help: "Mini-batch size.")
    var batchSize: Int = 64

    @Option(help: "Adam learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "L2 weight decay (Adam).")
    var weightDecay: Float = 0

    @Option(help: "Stop after this many epochs without a better validation loss.")
    var patience: Int = 3

    @Option(help: "Random seed: initialisation, shuffling, dropout, splits and sampled negatives.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads (default: every core; results do not depend on it).")
    var threads: Int = everyCore

    @Option(name: .shortAndLong, help: "Model file to write (.safetensors).")
    var out: String

    @Flag(help: "No per-epoch lines on stderr.")
    var quiet = false

    func validate() throws {
        let fromSequences = sequences != nil || labels != nil
        let fromGenome = fasta != nil || positives != nil || negatives != nil
        guard fromSequences != fromGenome else {
            throw ValidationError("give either --sequences with --labels, or --fasta with --positives")
        }
        if fromSequences && (sequences == nil || labels == nil) { throw ValidationError("--sequences needs --labels, and --labels needs --sequences") }
        if fromGenome && (fasta == nil || positives == nil) { throw ValidationError("--fasta needs --positives") }
        if window < 1 { throw ValidationError("--window must be positive, got \(window)") }
        if epochs < 1 || batchSize < 1 || patience < 1 { throw ValidationError("--epochs, --batch-size and --patience must be at least 1") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if !(validationFraction > 0 && validationFraction < 1) { throw ValidationError("--validation-fraction must lie in (0, 1)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if shuffledNegatives < 0 { throw ValidationError("--shuffled-negatives must not be negative") }
    }

    func run() throws {
        var job = TrainJob(examples: fasta != nil
            ? .genome(fasta: fasta!, positives: positives!, negatives: negatives, window: window)
            : .sequences(sequences!, labels: labels!))
        job.shuffledNegatives = shuffledNegatives
        job.architecture = architecture
        job.outputActivation = outputActivation
        job.holdout = holdout
        job.validationFraction = validationFraction
        job.options.epochs = epochs
        job.options.batchSize = batchSize
        job.options.learningRate = learningRate
        job.options.weightDecay = weightDecay
        job.options.patience = patience
        job.options.seed = seed
        job.threads = threads
        Interruption.watch(out)
        Interruption.watch(TrainJob.historyPath(model: out))
        let report = try job.run(out: out, started: { plan in
            if !quiet { Console.note("training on \(plan.training) examples, validating on \(plan.validation); \(plan.parameters) parameters") }
        }, epoch: { epoch in
            if !quiet {
                Console.note(String(format: "epoch %d: loss %.4f, validation loss %.4f, AUROC %@, AUPRC %@ (%.1f s)", epoch.epoch,
                                    epoch.trainingLoss, epoch.validationLoss, Self.figure(epoch.validationAUROC),
                                    Self.figure(epoch.validationAUPRC), epoch.seconds))
            }
        })
        if !quiet, let best = report.best {
            Console.note("best epoch \(best.epoch): validation AUROC \(Self.figure(best.validationAUROC)) → \(out)")
        }
    }

    private static func figure(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
}
