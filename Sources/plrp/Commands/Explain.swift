import ArgumentParser
import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Tracks

extension Composite.Name: ExpressibleByArgument {}
extension PruningPlan.Variant: ExpressibleByArgument {}
extension OutputRelevance: ExpressibleByArgument {}
extension Aggregation: ExpressibleByArgument {}

/// `plrp explain`: relevance per window by LRP / PLRP, or a baseline.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a model's output on every window: relevance arrays, windows and a manifest.",
        discussion: """
        Writes DIR/ohe.npz and DIR/attr.npz ([N, 4, L] float32, key arr_0), DIR/windows.bed (row i = window i) and
        DIR/manifest.json (parameters, rules per layer, and the conservation check: the worst deviation of Σ input
        relevance from the output relevance). With --target all, each window appears once per output, window-major,
        its windows.bed name suffixed with |OUTPUT.
        When windows have genome coordinates (--fasta or --bam), the per-base relevance (sum over the four channels)
        is also written as a genome track: DIR/relevance.bedGraph.gz (BGZF, with its tabix index .tbi) and
        DIR/relevance.bw, sorted in the FASTA index's contig order, equal runs merged, zeros left out. Overlapping
        windows combine by --aggregate; a read's relevance reaches the reference through its CIGAR (inserted and
        soft-clipped bases do not) and is averaged over the reads covering each base of the requested regions. With
        --target all there is one track per output, relevance.OUTPUT.*. With --bam and --per-read, DIR/reads.bed lists
        every read (the rows of windows.bed) with its total relevance in a seventh column.
        """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case lrp
        case gradientXInput = "gradient-x-input"
        case saliency
        case ism
    }

    @OptionGroup var input: InputOptions

    @Option(help: "Model file (.safetensors).")
    var model: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Option(help: "lrp (with --prune: PLRP), gradient-x-input, saliency, or ism (in-silico mutagenesis).")
    var method: Method = .lrp

    @Option(help: "LRP composite: \(Composite.Name.allCases.map(\.rawValue).joined(separator: ", ")).")
    var composite: Composite.Name = .epsilonPlus

    @Option(name: .customLong("rule"), help: "Rule for one layer by name, LAYER=RULE (epsilon, zplus, alpha_beta, gamma, zbox, flat, wsquare, pass); repeatable.")
    var rules: [String] = []

    @Option(help: "ε of the epsilon rule.")
    var epsilon: Float = 1e-6

    @Option(help: "γ of the gamma rule.")
    var gamma: Float = 0.25

    @Option(help: "PLRP: fraction of positive relevance mass pruned at every prunable layer, or per layer NAME=P,NAME=P.")
    var prune: String = "0"

    @Option(help: "PLRP: fraction of negative relevance mass pruned (default: half the positive fraction).")
    var pruneNeg: Float?

    @Option(help: "PLRP variant: lambda (rescale kept relevance) or m (redo the step without pruned neurons).")
    var plrp: PruningPlan.Variant = .lambda

    @Option(help: "Output to explain: a name or index, or 'all'. Default: the top logit (softmax) or the first output.")
    var target: String?

    @Option(help: "Relevance at the output: the target logit's value (logit) or 1 (one, zennit's convention).")
    var outputRelevance: OutputRelevance = .logit

    @Option(help: "How overlapping windows combine per base in the tracks: mean, max-abs, or center (the window whose centre is nearest).")
    var aggregate: Aggregation = .mean

    @Flag(inversion: .prefixedNo, help: "Write the genome tracks (relevance.bedGraph.gz, .tbi, .bw) when windows have genome coordinates.")
    var tracks = true

    @Flag(help: "With --bam: also write reads.bed, each read (window) with its total relevance in a 7th column.")
    var perRead = false

    @Flag(help: "Keep batch norms as layers (relevance passes through them) instead of folding them into conv/dense.")
    var noMergeBatchnorm = false

    @Option(help: "Explain only part I of N of the windows (1-based, e.g. 2/8): equal shares of whole windows, in order; `plrp merge` joins the parts.")
    var shard: String?

    @Option(help: "Windows per batch.")
    var batchSize: Int = 256

    @Flag(help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if !(epsilon >= 0) || !(gamma >= 0) { throw ValidationError("--epsilon and --gamma must not be negative") }
        if let pruneNeg, !(pruneNeg >= 0 && pruneNeg < 1) { throw ValidationError("--prune-neg must be a fraction in [0, 1)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if perRead && input.bam == nil { throw ValidationError("--per-read needs --bam input") }
    }

    func run() throws {
        let folder = try OutputDirectory(path: out)
        let report = try execute(into: folder)
        try Manifest.commit("explain", parameters: report.parameters, inputs: report.inputs, results: report.results,
                            seconds: report.seconds, folder: folder)
        if !quiet { Console.note(report.summary(out: out)) }
    }

    /// What an explain job did, for its manifest and summary line.
    struct Report {
        var parameters: [String: Any]
        var results: [String: Any]
        var inputs: [String]
        var windows: Int
        var seconds: Double
        var label: String
        var worstDeviation: Float

        func summary(out: String) -> String {
            String(format: "explained %d windows (%@) in %.2f s (%.0f windows/s); worst conservation deviation %.3g → %@",
                   windows, label, seconds, Double(windows) / max(seconds, 1e-9), Double(worstDeviation), out)
        }
    }

    /// Explains every window (of the shard, if one is given) and stages the arrays, windows.bed and tracks in
    /// `folder`; the caller writes the manifest and commits.
    func execute(into folder: OutputDirectory) throws -> Report {
        let started = Date()
        let network = try ModelFile.load(path: model)
        let plan = try pruningPlan()
        let lrp = try LRP(model: network, composite: try compositeWithOverrides(), pruning: plan,
                          outputRelevance: outputRelevance, mergeBatchNorm: !noMergeBatchnorm)
        let sequences = try SequenceInput(input, defaultWindow: network.inputLength, shard: try parsedShard())
        let length = network.inputLength
        guard sequences.windowLength == length else {
            throw UsageError("--window \(sequences.windowLength) does not match the model's input length, \(length)")
        }
        let targets = try TargetChoice(target, network: network, allowAll: true)
        let compute = Compute(threads: input.threads)
        let encoder = OneHotEncoder(policy: input.iupac)

        let (tracks, feed) = try makeTracks(folder: folder, sequences: sequences, network: network, targets: targets.fixed)
        let outputs = try ExplainOutputs(folder: folder, sequences: sequences, outputs: network.outputs, length: length,
                                         tracks: tracks, feed: feed, perRead: perRead)
        let progress = Progress(total: sequences.knownWindowCount, unit: "windows", enabled: !quiet)
        var worstAbsolute: Float = 0, worstRelative: Float = 0, unexplained = 0, orphans = 0, windows = 0
        var worstMassChange = 0.0
        var values: [Float] = []
        let writer = OrderedWork(label: "plrp.explain.outputs", inFlight: 2)
        try sequences.forEachBatch(size: batchSize) { batchWindows, bases in
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: batchWindows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: batchWindows, bases: bases)
            }
            let batch = Tensor(shape: [batchWindows.count, 4, length], values: values)
            var perTarget: [(task: String?, relevance: Tensor)] = []
            for target in targets.fixed.map({ $0.map(Optional.some) }) ?? [nil] {
                let perWindow = TargetChoice.perWindow(target, network, batch, compute: compute)
                let name = target.map(network.name(of:))
                switch method {
                case .lrp:
                    let explanation = lrp.explain(batch, targets: perWindow, compute: compute)
                    perTarget.append((name, explanation.relevance))
                    let worst = explanation.worstDeviation
                    worstAbsolute = max(worstAbsolute, worst.absolute)
                    worstRelative = max(worstRelative, worst.relative)
                    unexplained += explanation.unexplainedDeviations().count
                    orphans += explanation.orphanedNeurons
                    worstMassChange = max(worstMassChange, explanation.worstLayerMassChange)
                case .gradientXInput:
                    perTarget.append((name, InputGradient.timesInput(network, input: batch, targets: perWindow, compute: compute)))
                case .saliency:
                    perTarget.append((name, InputGradient.saliency(network, input: batch, targets: perWindow, compute: compute)))
                case .ism:
                    perTarget.append((name, InSilicoMutagenesis.compute(network, input: batch, targets: perWindow, compute: compute)))
                }
            }
            // Written on a background thread while the next batch is explained.
            let results = perTarget, placements = sequences.batchPlacements
            try writer.submit {
                try outputs.write(batch: batch, windows: batchWindows, placements: placements, results: results)
            }
            windows += batchWindows.count
            progress.advance(to: windows)
        }
        try writer.finish()
        progress.finish()
        try outputs.finish()
        if unexplained > 0 {
            Console.warn("\(unexplained) window(s) deviate from relevance conservation by more than biases and ε can absorb (worst \(worstAbsolute))")
        }
        let label = method == .lrp ? "\(composite.rawValue)\(plan.global > 0 || !plan.perLayer.isEmpty ? ", PLRP-\(plrp.rawValue)" : "")" : method.rawValue
        var parameters: [String: Any] = [
            "method": method.rawValue, "composite": composite.rawValue, "epsilon": epsilon, "gamma": gamma,
            "rules": Dictionary(uniqueKeysWithValues: lrp.rules.map { ($0.layer, $0.rule.description) }),
            "prune": prune, "prune_neg": pruneNeg.map { $0 as Any } ?? NSNull(), "plrp": plrp.rawValue,
            "target": target ?? "default", "targets": targetNames(targets, network),
            "output_relevance": outputRelevance.rawValue, "merge_batchnorm": !noMergeBatchnorm,
            "batchnorms_merged": lrp.mergedBatchNorms, "batchnorms_kept": lrp.keptBatchNorms,
            "aggregate": aggregate.rawValue, "tracks": tracks.isEmpty ? "none" : feed == .streamed ? "streamed" : "sorted after the run",
            "per_read": perRead, "model": model,
        ].merging(input.manifestParameters(window: length)) { own, _ in own }
        if let shard = try parsedShard() { parameters["shard"] = "\(shard.index)/\(shard.count)" }
        var results: [String: Any] = ["windows": windows, "rows": outputs.rows]
        if method == .lrp {
            results["conservation"] = [
                "worst_absolute_deviation": worstAbsolute, "worst_relative_deviation": worstRelative,
                "windows_beyond_bias_and_epsilon": unexplained,
                "plrp_lambda_worst_layer_mass_change": worstMassChange, "plrp_m_orphaned_neurons": orphans,
            ] as [String: Any]
        }
        return Report(parameters: parameters, results: results, inputs: [model] + input.inputFiles, windows: windows,
                      seconds: Date().timeIntervalSince(started), label: label, worstDeviation: worstAbsolute)
    }

    /// The explained targets' names for the manifest.
    private func targetNames(_ choice: TargetChoice, _ network: Network) -> [String] {
        choice.fixed.map { $0.map(network.name(of:)) } ?? ["top logit per window"]
    }

    /// `--shard I/N`, 1-based.
    func parsedShard() throws -> WindowShard? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, index >= 1, index <= count else {
            throw UsageError("--shard '\(shard)': expected I/N with 1 ≤ I ≤ N, e.g. 2/8")
        }
        return WindowShard(index: index, count: count)
    }

    /// One genome track per explained output, or none for `--sequences` input or `--no-tracks`. Genome windows out of
    /// genome order are sorted once the arrays are written; reads out of order (regions unsorted or overlapping) get
    /// no track, with a warning.
    private func makeTracks(folder: OutputDirectory, sequences: SequenceInput, network: Network,
                            targets: [Target]?) throws -> ([GenomeTrack], ExplainOutputs.TrackFeed) {
        guard self.tracks, sequences.hasGenomeCoordinates else { return ([], .none) }
        var feed = ExplainOutputs.TrackFeed.streamed
        if !sequences.inGenomeOrder {
            guard case .genome = sequences.source else {
                Console.warn("--bam regions are not sorted and non-overlapping in the index's contig order; no genome tracks written (sort and merge the regions, e.g. 'bedtools sort | bedtools merge', to get them)")
                return ([], .none)
            }
            feed = .sortedAfterwards
        }
        let method = self.method == .lrp ? "\(composite.rawValue)\(prune == "0" ? "" : " PLRP-\(plrp.rawValue) prune \(prune)")" : self.method.rawValue
        let model = PathName.base(of: self.model)
        let targetNames = targets?.map(network.name(of:))
        let names = (targetNames?.count ?? 1) > 1 ? targetNames!.map { "relevance.\(PathName.safe($0))" } : ["relevance"]
        let outputs = (targetNames?.count ?? 1) > 1 ? targetNames! : [targetNames?[0] ?? "top output"]
        let tracks = try zip(names, outputs).map { name, output in
            try GenomeTrack(folder: folder, name: name, contigs: sequences.contigs, aggregation: aggregate,
                            trackName: "plrp \(output)", description: "\(model) \(output): \(method), \(aggregate.rawValue) of windows")
        }
        return (tracks, feed)
    }

    private func pruningPlan() throws -> PruningPlan {
        do {
            let parsed = try PruningPlan.parse(prune)
            return PruningPlan(global: parsed.global, perLayer: parsed.perLayer, negative: pruneNeg, variant: plrp)
        } catch let error as ExplainError {
            throw UsageError(error.message)
        }
    }

    private func compositeWithOverrides() throws -> Composite {
        var overrides: [String: Rule] = [:]
        for text in rules {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw UsageError("--rule '\(text)': expected LAYER=RULE") }
            do {
                overrides[parts[0]] = try Rule.parse(parts[1], epsilon: epsilon, gamma: gamma)
            } catch let error as ExplainError {
                throw UsageError(error.message)
            }
        }
        return Composite(composite, epsilon: epsilon, gamma: gamma, overrides: overrides)
    }
}
