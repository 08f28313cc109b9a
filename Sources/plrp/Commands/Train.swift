import ArgumentParser
import Encoding
import Foundation
import GenomeIO
import Model
import Pipeline
import Tracks

extension OutputActivation: ExpressibleByArgument {}

/// `plrp train`: fit a model from labelled sequences or from BED regions on a genome.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model from FASTA + labelled BED regions, or from labelled sequences.",
        discussion: """
        Writes MODEL and, beside it, MODEL without .safetensors plus .training.json (per-epoch loss and validation
        AUROC/AUPRC). The validation set is --holdout PREFIX (examples whose name starts with it, e.g. chr2R:) or a
        seeded random --validation-fraction. Training stops early when the validation loss has not improved for
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
        let started = Date()
        var random = SeededRandom(seed: seed)
        let examples = try fasta != nil
            ? TrainingExamples.fromGenome(fasta: fasta!, positives: positives!, negatives: negatives, window: window, random: &random)
            : TrainingExamples.fromRecords(sequences!, labels: labels!)
        let withShuffled = try TrainingExamples.addingShuffledNegatives(examples, count: shuffledNegatives, random: &random)
        let (training, validation) = try TrainingExamples.split(withShuffled, holdout: holdout, validationFraction: validationFraction,
                                                                random: &random, path: sequences ?? fasta ?? "")

        let length = withShuffled.length
        let design: Architecture
        if let architecture {
            guard let text = try? String(contentsOfFile: architecture, encoding: .utf8) else {
                throw DataError("cannot read architecture '\(architecture)'")
            }
            design = try Architecture(json: text)
            guard design.inputLength == length else {
                throw DataError("architecture '\(architecture)': input length \(design.inputLength), but the training sequences have \(length) bases")
            }
        } else {
            design = ModelBuilder.defaultArchitecture(inputLength: length, outputs: withShuffled.tasks, activation: outputActivation)
        }
        let initial: Network
        do {
            initial = try ModelBuilder.initialised(design, seed: seed)
        } catch let error as ModelError {
            throw DataError("architecture '\(architecture ?? "built-in")': \(error.message)")
        }
        if let architecture {
            if let profile = initial.profileHeads.first {
                throw DataError("architecture '\(architecture)': head '\(profile.name)' is a profile; training fits scalar heads only")
            }
            guard initial.outputs.count == withShuffled.tasks.count else {
                throw DataError("architecture '\(architecture)': \(initial.outputs.count) outputs, but the labels have \(withShuffled.tasks.count) tasks")
            }
        }

        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.weightDecay = weightDecay
        options.patience = patience
        options.seed = seed
        let trainer = Trainer(options: options, compute: Compute(threads: threads))
        if !quiet {
            Console.note("training on \(training.count) examples, validating on \(validation.count); \(initial.parameterCount) parameters")
        }
        let result = try trainer.fit(initial, training: training, validation: validation) { epoch in
            guard !quiet else { return }
            Console.note(String(format: "epoch %d: loss %.4f, validation loss %.4f, AUROC %@, AUPRC %@ (%.1f s)", epoch.epoch,
                                epoch.trainingLoss, epoch.validationLoss, epoch.validationAUROC.map { String(format: "%.4f", $0) } ?? "n/a",
                                epoch.validationAUPRC.map { String(format: "%.4f", $0) } ?? "n/a", epoch.seconds))
        }

        Interruption.watch(out)
        let modelFile = try OutputFile(path: out)
        let historyPath = (out.hasSuffix(".safetensors") ? String(out.dropLast(".safetensors".count)) : out) + ".training.json"
        Interruption.watch(historyPath)
        let historyFile = try OutputFile(path: historyPath)
        guard modelFile.stagingPath != nil else { throw UsageError("-o must name a file") }
        try modelFile.write(ModelFile.encode(result.model))
        let document: [String: Any] = [
            "plrp_version": plrpVersion,
            "arguments": Array(CommandLine.arguments.dropFirst()),
            "examples": ["training": training.count, "validation": validation.count],
            "best_epoch": result.bestEpoch,
            "epochs": result.history.map { e -> [String: Any] in
                ["epoch": e.epoch, "training_loss": e.trainingLoss, "validation_loss": e.validationLoss,
                 "validation_auroc": e.validationAUROC ?? NSNull(), "validation_auprc": e.validationAUPRC ?? NSNull()]
            },
            "seconds": Date().timeIntervalSince(started),
        ]
        try historyFile.write(try JSONSerialization.data(withJSONObject: document,
                                                         options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
        try modelFile.commit()
        try historyFile.commit()
        if !quiet, let best = result.history.first(where: { $0.epoch == result.bestEpoch }) {
            Console.note(String(format: "best epoch %d: validation AUROC %@ → %@", best.epoch,
                                best.validationAUROC.map { String(format: "%.4f", $0) } ?? "n/a", out))
        }
    }
}
