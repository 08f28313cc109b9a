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
extension Attributor.Strand: ExpressibleByArgument {}

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
        case deepliftShap = "deeplift-shap"
    }

    @OptionGroup var input: InputOptions

    @Option(help: "Model file (.safetensors).")
    var model: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @Option(help: "lrp (with --prune: PLRP), deeplift-shap (DeepLIFT's rescale rule averaged over references), gradient-x-input, saliency, or ism (in-silico mutagenesis).")
    var method: Method = .lrp

    @Option(help: "deeplift-shap: dinucleotide-shuffled references per window (seeded by --seed and the window's index).")
    var shuffles: Int = 20

    @Option(help: "deeplift-shap: references from this .npz (arr_0, [N, R, 4, L] one per window, or [R, 4, L] shared) instead of shuffles.")
    var references: String?

    @Flag(help: "deeplift-shap: also write the references used, DIR/references.npz [N, R, 4, L].")
    var writeReferences = false

    @Option(help: "Seed of the shuffled references.")
    var seed: UInt64 = 1

    @Flag(help: "Also write DIR/hypothetical.npz [N, 4, L]: what each base would contribute if it were the one present (TF-MoDISco's hypothetical contributions; lrp, deeplift-shap and gradient-x-input).")
    var hypothetical = false

    @Option(help: "forward, or both: also explain each window reverse-complemented and average the two maps in forward orientation.")
    var strand: Attributor.Strand = .forward

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
        if shuffles < 1 { throw ValidationError("--shuffles must be at least 1, got \(shuffles)") }
        if method != .deepliftShap && (references != nil || writeReferences) {
            throw ValidationError("--references and --write-references need --method deeplift-shap")
        }
        if hypothetical && (method == .saliency || method == .ism) {
            throw ValidationError("--hypothetical: \(method.rawValue) has no hypothetical contributions (lrp, deeplift-shap and gradient-x-input do)")
        }
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
        /// What `worstDeviation` measures: LRP's conservation or DeepLIFT's convergence.
        var check = "conservation deviation"

        func summary(out: String) -> String {
            String(format: "explained %d windows (%@) in %.2f s (%.0f windows/s); worst %@ %.3g → %@",
                   windows, label, seconds, Double(windows) / max(seconds, 1e-9), check, Double(worstDeviation), out)
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
        let attributor = try Attributor(network: network, method: try attributionMethod(lrp, length: length, sequences: sequences),
                                        strand: strand, hypothetical: hypothetical)
        let targets = try TargetChoice(target, network: network, allowAll: true)
        let compute = Compute(threads: input.threads)
        let encoder = OneHotEncoder(policy: input.iupac)

        let (tracks, feed) = try makeTracks(folder: folder, sequences: sequences, network: network, targets: targets.fixed)
        let outputs = try ExplainOutputs(folder: folder, sequences: sequences, outputs: network.outputs, length: length,
                                         tracks: tracks, feed: feed, perRead: perRead, hypothetical: hypothetical,
                                         references: writeReferences ? shuffleCount(attributor) : nil)
        let progress = Progress(total: sequences.knownWindowCount, unit: "windows", enabled: !quiet)
        var checks = AttributionChecks()
        var windows = 0
        var values: [Float] = []
        let writer = OrderedWork(label: "plrp.explain.outputs", inFlight: 2)
        try sequences.forEachBatch(size: batchSize) { batchWindows, bases in
            values.removeAll(keepingCapacity: true)
            if let bad = encoder.encode(bases, count: batchWindows.count, length: length, appendingTo: &values) {
                throw sequences.invalidCharacter(at: bad, windows: batchWindows, bases: bases)
            }
            let batch = Tensor(shape: [batchWindows.count, 4, length], values: values)
            if let given = perWindowReferences(attributor), sequences.firstWindowIndex + windows + batchWindows.count > given {
                throw DataError("--references '\(references!)' holds references for \(given) windows; the input has more")
            }
            var perTarget: [(task: String?, attribution: Attribution)] = []
            for target in targets.fixed.map({ $0.map(Optional.some) }) ?? [nil] {
                let perWindow = TargetChoice.perWindow(target, network, batch, compute: compute)
                let attribution = attributor.attribute(batch, targets: perWindow, firstWindow: sequences.firstWindowIndex + windows,
                                                      compute: compute)
                checks.merge(attribution.checks)
                perTarget.append((target.map(network.name(of:)), attribution))
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
        if let given = perWindowReferences(attributor), sequences.runWindowCount == nil, given != windows {
            throw DataError("--references '\(references!)' holds references for \(given) windows; the input has \(windows)")
        }
        progress.finish()
        try outputs.finish()
        if checks.windowsBeyondBiasAndEpsilon > 0 {
            Console.warn("\(checks.windowsBeyondBiasAndEpsilon) window(s) deviate from relevance conservation by more than biases and ε can absorb (worst \(checks.worstConservation.absolute))")
        }
        if checks.pairsBeyondTolerance > 0 {
            Console.warn("\(checks.pairsBeyondTolerance) of \(checks.pairs) window–reference pair(s) have a DeepLIFT convergence delta above 1e-3 of their output difference (worst \(checks.worstConvergenceDelta.absolute), relative \(checks.worstConvergenceDelta.relative))")
        }
        let label = method == .lrp ? "\(composite.rawValue)\(plan.global > 0 || !plan.perLayer.isEmpty ? ", PLRP-\(plrp.rawValue)" : "")"
            : method == .deepliftShap ? "deeplift-shap, \(shuffleCount(attributor)) references" : method.rawValue
        var parameters: [String: Any] = [
            "method": method.rawValue, "composite": composite.rawValue, "epsilon": epsilon, "gamma": gamma,
            "rules": Dictionary(uniqueKeysWithValues: lrp.rules.map { ($0.layer, $0.rule.description) }),
            "prune": prune, "prune_neg": pruneNeg.map { $0 as Any } ?? NSNull(), "plrp": plrp.rawValue,
            "target": target ?? "default", "targets": targetNames(targets, network),
            "output_relevance": outputRelevance.rawValue, "merge_batchnorm": !noMergeBatchnorm,
            "batchnorms_merged": lrp.mergedBatchNorms, "batchnorms_kept": lrp.keptBatchNorms,
            "aggregate": aggregate.rawValue, "tracks": tracks.isEmpty ? "none" : feed == .streamed ? "streamed" : "sorted after the run",
            "per_read": perRead, "model": model, "strand": strand.rawValue, "hypothetical": hypothetical,
        ].merging(input.manifestParameters(window: length)) { own, _ in own }
        if let shard = try parsedShard() { parameters["shard"] = "\(shard.index)/\(shard.count)" }
        if method == .deepliftShap {
            parameters["references"] = references ?? "dinucleotide shuffles"
            parameters["shuffles"] = references == nil ? shuffles : shuffleCount(attributor)
            parameters["seed"] = seed
        }
        var results: [String: Any] = ["windows": windows, "rows": outputs.rows]
        if method == .lrp {
            results["conservation"] = [
                "worst_absolute_deviation": checks.worstConservation.absolute,
                "worst_relative_deviation": checks.worstConservation.relative,
                "windows_beyond_bias_and_epsilon": checks.windowsBeyondBiasAndEpsilon,
                "plrp_lambda_worst_layer_mass_change": checks.worstLayerMassChange,
                "plrp_m_orphaned_neurons": checks.orphanedNeurons,
            ] as [String: Any]
        }
        if method == .deepliftShap {
            results["convergence"] = [
                "worst_absolute_delta": checks.worstConvergenceDelta.absolute,
                "worst_relative_delta": checks.worstConvergenceDelta.relative,
                "pairs": checks.pairs, "pairs_beyond_1e-3": checks.pairsBeyondTolerance,
            ] as [String: Any]
        }
        let inputs = [model] + input.inputFiles + (references.map { [$0] } ?? [])
        return Report(parameters: parameters, results: results, inputs: inputs, windows: windows,
                      seconds: Date().timeIntervalSince(started), label: label,
                      worstDeviation: method == .deepliftShap ? checks.worstConvergenceDelta.absolute : checks.worstConservation.absolute,
                      check: method == .deepliftShap ? "convergence delta" : "conservation deviation")
    }

    /// The attribution method from the options; given references are read and checked here.
    private func attributionMethod(_ lrp: LRP, length: Int, sequences: SequenceInput) throws -> Attributor.Method {
        switch method {
        case .lrp: return .lrp(lrp)
        case .gradientXInput: return .gradientXInput
        case .saliency: return .saliency
        case .ism: return .ism
        case .deepliftShap:
            guard let references else { return .deepLiftShap(.shuffles(count: shuffles, seed: seed)) }
            let array: NPZReader.Array32
            do {
                array = try NPZReader.read(path: references)
            } catch {
                throw UsageError("--references '\(references)': \(error)")
            }
            let tensor = Tensor(shape: array.shape, values: array.values)
            if let problem = ReferenceSource.validate(tensor, length: length, windows: sequences.runWindowCount) {
                throw UsageError("--references '\(references)': \(problem)")
            }
            return .deepLiftShap(.given(tensor))
        }
    }

    /// The windows given per-window references cover (`[N, R, 4, L]`), or nil.
    private func perWindowReferences(_ attributor: Attributor) -> Int? {
        if case .deepLiftShap(.given(let tensor)) = attributor.method, tensor.shape.count == 4 { return tensor.shape[0] }
        return nil
    }

    /// References per window of a DeepLIFT/SHAP attributor.
    private func shuffleCount(_ attributor: Attributor) -> Int {
        if case .deepLiftShap(let source) = attributor.method { return source.count }
        return 0
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
