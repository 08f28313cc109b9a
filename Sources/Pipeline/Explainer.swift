import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Tracks

/// Which per-window arrays an explain run writes besides `windows.bed` and the tracks.
public enum ArrayOutput: String, Sendable, CaseIterable {
    /// ohe.npz and attr.npz (and hypothetical.npz, references.npz when asked for).
    case all
    /// ohe.npz and hypothetical.npz only: what TF-MoDISco reads; the contributions are hypothetical × one-hot.
    case hypothetical
    /// None: the relevance is in the genome tracks only.
    case none
}

/// Everything an explain job needs, as values: what to read, which model, how to explain, and where the per-base
/// relevance goes. `Explainer` opens it.
public struct ExplainJob: Sendable {
    public var input: InputDescription
    /// The model file (.safetensors).
    public var model: String
    public var method = MethodConfiguration()
    /// The output to explain: a name or index, a head, or "all"; nil: the top logit (softmax) or the first output.
    public var target: String?
    /// How overlapping windows combine per base in the genome tracks.
    public var aggregate: Aggregation = .mean
    /// Write genome tracks when windows have genome coordinates.
    public var tracks = true
    /// Write the per-window arrays (ohe.npz, attr.npz and the optional ones); `.none` keeps only windows.bed, the
    /// tracks and the manifest — the arrays grow with the genome (two of 677 MB for chr2R at step 150).
    public var arrays: ArrayOutput = .all
    /// With BAM input: reads.bed, each read with its total relevance.
    public var perRead = false
    /// Only part `index` of `count` of the windows.
    public var shard: WindowShard?
    public var batchSize = 256
    /// Worker threads; results do not depend on them.
    public var threads = everyCore

    public init(input: InputDescription, model: String, method: MethodConfiguration = MethodConfiguration()) {
        self.input = input
        self.model = model
        self.method = method
    }

    /// Usage errors for values out of range or options that do not fit together.
    public func validate() throws {
        try method.validate()
        if batchSize < 1 { throw PipelineError.usage("--batch-size must be at least 1") }
        if threads < 1 { throw PipelineError.usage("--threads must be at least 1, got \(threads)") }
        if perRead && input.bam == nil { throw PipelineError.usage("--per-read needs --bam input") }
        if arrays == .hypothetical && (method.method == .saliency || method.method == .ism) {
            throw PipelineError.usage("--arrays hypothetical: \(method.method.rawValue) has no hypothetical contributions (lrp, deeplift-shap and gradient-x-input do)")
        }
        if arrays == .none {
            if method.hypothetical || method.writeReferences {
                throw PipelineError.usage("--hypothetical and --write-references write arrays; not with --arrays none")
            }
            if !tracks { throw PipelineError.usage("--arrays none with --no-tracks would write no relevance at all") }
        }
    }
}

/// What an explain job did, for its manifest and summary line.
public struct ExplainReport {
    public var parameters: [String: Any]
    public var results: [String: Any]
    /// The files read (model, input, references), for the manifest's checksums.
    public var inputs: [String]
    public var windows: Int
    public var rows: Int
    public var seconds: Double
    /// The method as the summary names it.
    public var label: String
    public var worstDeviation: Float
    /// What `worstDeviation` measures: LRP's conservation or DeepLIFT's convergence.
    public var check = "conservation deviation"
    public var checks: AttributionChecks

    /// `explained N windows (LABEL) in S s (R windows/s); worst CHECK D → OUT`.
    public func summary(out: String) -> String {
        String(format: "explained %d windows (%@) in %.2f s (%.0f windows/s); worst %@ %.3g → %@",
               windows, label, seconds, Double(windows) / max(seconds, 1e-9), check, Double(worstDeviation), out)
    }
}

/// An opened explain job: the model, the attributor the method chose, the sequence input and the targets. `run`
/// explains every window (of the shard, if one is given) into a sink; `explain(into:)` writes `plrp explain`'s
/// files; `collect()` keeps everything in memory.
///
///     var job = ExplainJob(input: .genome("genome.fa.gz", regions: ["chr2R:1,000,001-1,003,000"], step: 150),
///                          model: "model.safetensors", method: .plrp(0.5))
///     let explainer = try Explainer(job)
///     let (rows, report) = try explainer.collect()
public final class Explainer {
    public let job: ExplainJob
    public let network: Network
    /// The relevance pass the method options describe (its rules are recorded for every method).
    public let lrp: LRP
    public let plan: PruningPlan
    public let attributor: Attributor
    public let sequences: SequenceInput
    public let targets: TargetChoice
    public let diagnostics: Diagnostics
    private let started: Date

    /// Loads the model (or takes `network`, already loaded from `job.model`), reads given references, opens the
    /// input and checks the regions and the target; no output is created yet.
    public init(_ job: ExplainJob, network: Network? = nil, diagnostics: Diagnostics = .standardError) throws {
        started = Date()
        try job.validate()
        var job = job
        // Hypothetical arrays need the hypothetical contributions computed.
        if job.arrays == .hypothetical { job.method.hypothetical = true }
        self.job = job
        self.diagnostics = diagnostics
        let network = try network ?? Opening.model(job.model)
        self.network = network
        plan = try job.method.pruningPlan()
        lrp = try job.method.lrp(for: network)
        sequences = try SequenceInput(job.input, defaultWindow: network.inputLength, shard: job.shard, diagnostics: diagnostics)
        let length = network.inputLength
        guard sequences.windowLength == length else {
            throw PipelineError.usage("--window \(sequences.windowLength) does not match the model's input length, \(length)")
        }
        attributor = try job.method.attributor(for: network, lrp: lrp, windows: sequences.runWindowCount)
        targets = try TargetChoice(job.target, network: network, allowAll: true)
    }

    /// The explained targets' names (nil: the top output of each window).
    public var targetNames: [String]? { targets.fixed?.map(network.name(of:)) }

    /// Explains every window into `sink`, writing each batch on a background thread while the next is explained,
    /// and finishes the sink. `progress` hears the windows done so far after each batch.
    public func run(into sink: ExplanationSink, progress: ProgressObserver? = nil) throws -> ExplainReport {
        let length = network.inputLength
        let compute = Compute(threads: job.threads)
        let encoder = OneHotEncoder(policy: job.input.iupac)
        let given = MethodConfiguration.perWindowReferences(attributor)
        var checks = AttributionChecks()
        var windows = 0
        let writer = OrderedWork(label: "plrp.explain.outputs", inFlight: 2)
        try sequences.forEachEncodedBatch(size: job.batchSize, encoder: encoder) { batchWindows, values in
            let batch = Tensor(shape: [batchWindows.count, 4, length], values: values)
            if let given, sequences.firstWindowIndex + windows + batchWindows.count > given {
                throw PipelineError.data("--references '\(job.method.references!)' holds references for \(given) windows; the input has more")
            }
            var perTarget: [(target: String?, attribution: Attribution)] = []
            for target in targets.fixed.map({ $0.map(Optional.some) }) ?? [nil] {
                let perWindow = TargetChoice.perWindow(target, network, batch, compute: compute)
                let attribution = attributor.attribute(batch, targets: perWindow, firstWindow: sequences.firstWindowIndex + windows,
                                                      compute: compute)
                checks.merge(attribution.checks)
                perTarget.append((target.map(network.name(of:)), attribution))
            }
            let explained = ExplainedBatch(windows: batchWindows, oneHot: batch, placements: sequences.batchPlacements,
                                           results: perTarget, firstWindow: windows)
            try writer.submit { try sink.write(explained) }
            windows += batchWindows.count
            progress?.advance(to: windows, of: sequences.knownWindowCount)
        }
        try writer.finish()
        if let given, sequences.runWindowCount == nil, given != windows {
            throw PipelineError.data("--references '\(job.method.references!)' holds references for \(given) windows; the input has \(windows)")
        }
        progress?.finish()
        try sink.finish()
        return report(windows: windows, rows: windows * (targets.fixed?.count ?? 1), checks: checks, tracks: nil)
    }

    /// Explains every window into `plrp explain`'s files, staged in `folder`; the caller writes the manifest and
    /// commits the folder.
    public func explain(into folder: OutputDirectory, progress: ProgressObserver? = nil) throws -> ExplainReport {
        let (tracks, feed) = try makeTracks(folder: folder)
        if job.arrays == .none {
            guard !tracks.isEmpty else { throw PipelineError.usage("--arrays none writes relevance only as genome tracks, and this input has none (--sequences, or unsorted --bam regions)") }
        }
        if job.arrays != .all && feed == .sortedAfterwards {
            throw PipelineError.usage("--arrays \(job.arrays.rawValue) needs the regions in genome order (e.g. bedtools sort | bedtools merge): their tracks are otherwise sorted from attr.npz")
        }
        let outputs = try ExplainOutputs(folder: folder, sequences: sequences, length: network.inputLength, tracks: tracks,
                                         feed: feed, perRead: job.perRead, arrays: job.arrays, edges: job.shard != nil,
                                         hypothetical: job.method.hypothetical,
                                         references: job.method.writeReferences ? MethodConfiguration.referenceCount(attributor) : nil)
        var report = try run(into: outputs, progress: progress)
        report.rows = outputs.rows
        report.results["rows"] = outputs.rows
        report.parameters["tracks"] = tracks.isEmpty ? "none" : feed == .streamed ? "streamed" : "sorted after the run"
        report.parameters["arrays"] = job.arrays.rawValue
        return report
    }

    /// Explains every window into memory.
    public func collect(progress: ProgressObserver? = nil) throws -> (ExplanationCollector, ExplainReport) {
        let collector = ExplanationCollector(sequences: sequences)
        let report = try run(into: collector, progress: progress)
        return (collector, report)
    }

    /// Warns about the checks the method makes (relevance conservation, DeepLIFT convergence).
    public func warnAboutChecks(_ checks: AttributionChecks) {
        if checks.windowsBeyondBiasAndEpsilon > 0 {
            diagnostics.warn("\(checks.windowsBeyondBiasAndEpsilon) window(s) deviate from relevance conservation by more than biases and ε can absorb (worst \(checks.worstConservation.absolute))")
        }
        if checks.pairsBeyondTolerance > 0 {
            diagnostics.warn("\(checks.pairsBeyondTolerance) of \(checks.pairs) window–reference pair(s) have a DeepLIFT convergence delta above 1e-3 of their output difference, taken as at least 0.01 (worst \(checks.worstConvergenceDelta.absolute), relative \(checks.worstConvergenceDelta.relative))")
        }
    }

    private func report(windows: Int, rows: Int, checks: AttributionChecks, tracks: String?) -> ExplainReport {
        warnAboutChecks(checks)
        let method = job.method
        var parameters: [String: Any] = method.manifestParameters(lrp: lrp, attributor: attributor).merging([
            "target": job.target ?? "default", "targets": targets.names(network),
            "aggregate": job.aggregate.rawValue, "tracks": tracks ?? "none", "per_read": job.perRead, "model": job.model,
        ]) { own, _ in own }.merging(job.input.manifestParameters(window: network.inputLength)) { own, _ in own }
        if let shard = job.shard { parameters["shard"] = "\(shard.index)/\(shard.count)" }
        if let fasta = job.input.absoluteFasta { parameters["fasta"] = fasta }
        var results: [String: Any] = ["windows": windows, "rows": rows]
        if method.method == .lrp {
            results["conservation"] = [
                "worst_absolute_deviation": checks.worstConservation.absolute,
                "worst_relative_deviation": checks.worstConservation.relative,
                "windows_beyond_bias_and_epsilon": checks.windowsBeyondBiasAndEpsilon,
                "plrp_lambda_worst_layer_mass_change": checks.worstLayerMassChange,
                "plrp_m_orphaned_neurons": checks.orphanedNeurons,
            ] as [String: Any]
        }
        let deepLift = method.method == .deepliftShap
        if deepLift {
            results["convergence"] = [
                "worst_absolute_delta": checks.worstConvergenceDelta.absolute,
                "worst_relative_delta": checks.worstConvergenceDelta.relative,
                "pairs": checks.pairs, "pairs_beyond_1e-3": checks.pairsBeyondTolerance,
            ] as [String: Any]
        }
        let inputs = [job.model] + job.input.inputFiles + (method.references.map { [$0] } ?? [])
        return ExplainReport(parameters: parameters, results: results, inputs: inputs, windows: windows, rows: rows,
                             seconds: Date().timeIntervalSince(started), label: method.label(plan: plan, attributor: attributor),
                             worstDeviation: deepLift ? checks.worstConvergenceDelta.absolute : checks.worstConservation.absolute,
                             check: deepLift ? "convergence delta" : "conservation deviation", checks: checks)
    }

    /// One genome track per explained output, or none for `--sequences` input or `--no-tracks`, clipped to the
    /// requested regions. Genome windows out of genome order are sorted once the arrays are written; reads out of
    /// order (regions unsorted or overlapping) get no track, with a warning.
    private func makeTracks(folder: OutputDirectory) throws -> ([GenomeTrack], ExplainOutputs.TrackFeed) {
        guard job.tracks, sequences.hasGenomeCoordinates else { return ([], .none) }
        var feed = ExplainOutputs.TrackFeed.streamed
        if !sequences.inGenomeOrder {
            guard sequences.isGenomeWindows else {
                diagnostics.warn("--bam regions are not sorted and non-overlapping in the index's contig order; no genome tracks written (sort and merge the regions, e.g. 'bedtools sort | bedtools merge', to get them)")
                return ([], .none)
            }
            feed = .sortedAfterwards
        }
        let method = job.method.trackDescription
        let model = PathName.base(of: job.model)
        let targetNames = self.targetNames
        let names = (targetNames?.count ?? 1) > 1 ? targetNames!.map { "relevance.\(PathName.safe($0))" } : ["relevance"]
        let outputs = (targetNames?.count ?? 1) > 1 ? targetNames! : [targetNames?[0] ?? "top output"]
        let extent = try trackExtent()
        let tracks = try zip(names, outputs).map { name, output in
            try GenomeTrack(folder: folder, name: name, contigs: sequences.contigs, aggregation: job.aggregate, extent: extent,
                            trackName: "plrp \(output)", description: "\(model) \(output): \(method), \(job.aggregate.rawValue) of windows")
        }
        return (tracks, feed)
    }

    /// The requested regions, merged: tracks stop at their ends though the last window of a region reaches past it.
    private func trackExtent() throws -> TrackExtent? {
        switch sequences.source {
        case .genome(_, let stream): return try TrackExtent(regions: stream.regions, contigs: sequences.contigs)
        case .reads(_, let regions, _): return try TrackExtent(regions: regions, contigs: sequences.contigs)
        case .records: return nil
        }
    }
}

/// Hears how far a job has come (`plrp` draws a progress line on a terminal).
public protocol ProgressObserver: AnyObject {
    /// `done` of `total` (nil: not known before reading, as for reads).
    func advance(to done: Int, of total: Int?)
    /// The job's loop is over (before its last files are completed and its warnings printed).
    func finish()
}
