import Foundation
import Model
import Tracks

/// Fitting a model, as `plrp train` does it: labelled examples from sequences or from genome regions, a validation
/// split, Adam with early stopping, then the best epoch's model and its training history written side by side.
public struct TrainJob {
    /// Where the labelled examples come from.
    public enum Examples {
        /// A FASTA of equal-length sequences and a labels TSV.
        case sequences(String, labels: String)
        /// Windows of `window` bases centred on `positives` in `fasta`; `negatives` or GC-matched genome windows.
        case genome(fasta: String, positives: String, negatives: String?, window: Int)
    }

    public var examples: Examples
    /// Dinucleotide-shuffled copies of each positive added as negatives (single-task data only).
    public var shuffledNegatives = 0
    /// An architecture JSON file; nil for the built-in DNA CNN with `outputActivation`.
    public var architecture: String?
    public var outputActivation: OutputActivation = .sigmoid
    /// Validation examples are those whose name starts with `holdout`, else a seeded random `validationFraction`.
    public var holdout: String?
    public var validationFraction = 0.1
    /// Epochs, batch size, learning rate, weight decay, patience and the seed (which also drives splits and sampling).
    public var options = TrainingOptions()
    public var threads = everyCore

    public init(examples: Examples) { self.examples = examples }

    /// The training history's path beside the model file `model`: `X.safetensors` → `X.training.json`.
    public static func historyPath(model: String) -> String {
        (model.hasSuffix(".safetensors") ? String(model.dropLast(".safetensors".count)) : model) + ".training.json"
    }

    /// What the job is about to fit, before the first epoch.
    public struct Plan {
        public let training: Int
        public let validation: Int
        public let parameters: Int
    }

    /// What fitting gave.
    public struct Report {
        public let history: [EpochReport]
        public let bestEpoch: Int
        public var best: EpochReport? { history.first { $0.epoch == bestEpoch } }
    }

    /// Fits the model and writes it to `out` with its history beside it (both appear only when complete); `started`
    /// and `epoch` receive the plan and each epoch's figures as they come.
    public func run(out: String, started: (Plan) -> Void = { _ in }, epoch: (EpochReport) -> Void = { _ in }) throws -> Report {
        let begun = Date()
        var random = SeededRandom(seed: options.seed)
        let loaded: LabelledSequences, path: String
        switch examples {
        case let .sequences(sequences, labels):
            loaded = try TrainingExamples.fromRecords(sequences, labels: labels)
            path = sequences
        case let .genome(fasta, positives, negatives, window):
            loaded = try TrainingExamples.fromGenome(fasta: fasta, positives: positives, negatives: negatives, window: window, random: &random)
            path = fasta
        }
        let all = try TrainingExamples.addingShuffledNegatives(loaded, count: shuffledNegatives, random: &random)
        let (training, validation) = try TrainingExamples.split(all, holdout: holdout, validationFraction: validationFraction,
                                                                random: &random, path: path)
        let initial = try network(length: all.length, tasks: all.tasks)
        started(Plan(training: training.count, validation: validation.count, parameters: initial.parameterCount))
        let result = try Trainer(options: options, compute: Compute(threads: threads))
            .fit(initial, training: training, validation: validation, report: epoch)

        let modelFile = try OutputFile(path: out)
        guard modelFile.stagingPath != nil else { throw PipelineError.usage("-o must name a file") }
        let historyFile = try OutputFile(path: Self.historyPath(model: out))
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
            "seconds": Date().timeIntervalSince(begun),
        ]
        try historyFile.write(try JSONSerialization.data(withJSONObject: document,
                                                         options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
        try modelFile.commit()
        try historyFile.commit()
        return Report(history: result.history, bestEpoch: result.bestEpoch)
    }

    /// The untrained network: the architecture file's, checked against the examples, or the built-in one.
    private func network(length: Int, tasks: [String]) throws -> Network {
        guard let architecture else {
            return try ModelBuilder.initialised(ModelBuilder.defaultArchitecture(inputLength: length, outputs: tasks, activation: outputActivation),
                                                seed: options.seed)
        }
        guard let text = try? String(contentsOfFile: architecture, encoding: .utf8) else {
            throw PipelineError.data("cannot read architecture '\(architecture)'")
        }
        let design = try Architecture(json: text)
        guard design.inputLength == length else {
            throw PipelineError.data("architecture '\(architecture)': input length \(design.inputLength), but the training sequences have \(length) bases")
        }
        let initial: Network
        do {
            initial = try ModelBuilder.initialised(design, seed: options.seed)
        } catch let error as ModelError {
            throw PipelineError.data("architecture '\(architecture)': \(error.message)")
        }
        if let profile = initial.profileHeads.first {
            throw PipelineError.data("architecture '\(architecture)': head '\(profile.name)' is a profile; training fits scalar heads only")
        }
        guard initial.outputs.count == tasks.count else {
            throw PipelineError.data("architecture '\(architecture)': \(initial.outputs.count) outputs, but the labels have \(tasks.count) tasks")
        }
        return initial
    }
}
