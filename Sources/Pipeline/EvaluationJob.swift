import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Tracks

/// Explanation metrics over a grid of PLRP pruning fractions and the baselines, as `plrp evaluate` computes them, on
/// the sequences of a FASTA that carry ground truth for the explained output.
public struct EvaluationJob {
    public var model: String
    /// A FASTA of sequences of the model's input length.
    public var sequences: String
    /// A BED of ground-truth sites (sequence name, start, end[, name]); nil evaluates every sequence, RMA undefined.
    public var groundTruth: String?
    /// PLRP's p values; those above 0 give PLRP-λ and PLRP-M rows, LRP is always evaluated.
    public var pruneGrid: [Float] = [0, 0.1, 0.25, 0.5, 0.75, 0.9]
    /// An output name or index; nil for the first output (the top logit for softmax models).
    public var target: String?
    public var composite: Composite.Name = .epsilonPlus
    public var aopcSteps = 20
    public var robustnessSamples = 10
    public var seed: UInt64 = 1
    public var shuffles = 20
    public var threads = everyCore

    public init(model: String, sequences: String) {
        self.model = model
        self.sequences = sequences
    }

    /// What an evaluation wrote.
    public struct Report {
        public let methods: Int
        public let sequences: Int
        public let seconds: Double
    }

    /// Evaluates, then writes metrics.tsv, per_sequence.tsv, the charts and manifest.json into the folder `out`
    /// (created only once the metrics are computed; files appear when all are written).
    public func run(out: String) throws -> Report {
        let started = Date()
        guard pruneGrid.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw PipelineError.usage("--prune-grid: every p must lie in [0, 1)") }
        let network = try Opening.model(model)
        let length = network.inputLength
        let records = try FastaRecords(path: sequences)
        var names: [String] = [], bases: [UInt8] = []
        while let record = try records.next() {
            guard record.bases.count == length else {
                throw PipelineError.data("\(sequences):\(record.line): record '\(record.name)' has \(record.bases.count) bases; the model takes \(length)")
            }
            names.append(record.name)
            bases += record.bases
        }
        guard !names.isEmpty else { throw PipelineError.data("'\(sequences)' holds no sequences") }
        let target = try TargetChoice(self.target, network: network, allowAll: false).single
        let sites = try groundTruth.map { try Self.sites($0, outputs: network.outputs, target: target.map(network.name(of:))) }
        let chosen = names.indices.filter { sites == nil || sites![names[$0]] != nil }
        guard !chosen.isEmpty else {
            throw PipelineError.data("no sequence of '\(sequences)' has a ground-truth site in '\(groundTruth!)' for the explained output")
        }
        var values: [Float] = []
        let selected = chosen.flatMap { bases[($0 * length)..<(($0 + 1) * length)] }
        if let bad = OneHotEncoder(policy: .zero).encode(selected, count: chosen.count, length: length, appendingTo: &values) {
            throw PipelineError.data("'\(sequences)': invalid sequence character in '\(names[chosen[bad / length]])' at offset \(bad % length)")
        }
        let input = Tensor(shape: [chosen.count, 4, length], values: values)
        let compute = Compute(threads: threads)
        let targets = TargetChoice.perWindow(target, network, input, compute: compute)
        let truth = sites.map { sites in
            chosen.map { i -> [Bool] in
                var mask = [Bool](repeating: false, count: length)
                for (s, e) in sites[names[i]]! { for p in max(0, s)..<min(length, e) { mask[p] = true } }
                return mask
            }
        }
        let ps = pruneGrid.filter { $0 > 0 }
        let methods: [Evaluation.Method] = [.lrp] + ps.map { .plrpLambda($0) } + ps.map { .plrpM($0) }
            + [.deepLiftShap, .gradientXInput, .saliency, .ism]
        var evaluation = Evaluation(network: network, composite: Composite(composite))
        evaluation.aopcSteps = aopcSteps
        evaluation.robustnessSamples = robustnessSamples
        evaluation.seed = seed
        evaluation.shuffles = shuffles
        let result = try evaluation.run(input: input, targets: targets, truth: truth, methods: methods, compute: compute)

        let folder = try OutputCheck.folder(out)
        let evaluated = chosen.map { names[$0] }
        try TextFile.write(EvaluationOutputs.metricsTSV(result), to: folder.stage("metrics.tsv"))
        try TextFile.write(EvaluationOutputs.perSequenceTSV(result, names: evaluated), to: folder.stage("per_sequence.tsv"))
        let charts = EvaluationOutputs.charts(result, truth: truth ?? chosen.map { _ in [Bool](repeating: false, count: length) },
                                              names: evaluated, stepFraction: Double(evaluation.aopcStepBases) / Double(length))
        for (name, chart) in charts { try TextFile.write(chart.svg, to: folder.stage(name)) }
        var manifest = Manifest(command: "evaluate")
        manifest.parameters = ["prune_grid": pruneGrid.map(Double.init), "target": target.map(network.name(of:)) ?? "top logit per sequence",
                               "composite": composite.rawValue, "aopc_steps": aopcSteps, "aopc_step_bases": evaluation.aopcStepBases,
                               "robustness_samples": robustnessSamples, "seed": seed, "shuffles": shuffles, "model": model]
        for file in [model, sequences] + (groundTruth.map { [$0] } ?? []) { try manifest.addInput(file) }
        manifest.results = ["sequences": chosen.count, "sequences_without_sites": names.count - chosen.count, "rows": methods.count]
        manifest.timings = ["total": Date().timeIntervalSince(started)]
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        return Report(methods: methods.count, sequences: chosen.count, seconds: Date().timeIntervalSince(started))
    }

    /// Sites per sequence name; when site names are model outputs, only the explained output's.
    static func sites(_ groundTruth: String, outputs: [String], target: String?) throws -> [String: [(Int, Int)]] {
        guard let text = try? String(contentsOfFile: groundTruth, encoding: .utf8) else {
            throw PipelineError.data("cannot read ground truth '\(groundTruth)'")
        }
        var rows: [(String, Int, Int, String?)] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("track") || line.hasPrefix("browser") { continue }
            let f = line.split(separator: "\t")
            guard f.count >= 3, let s = Int(f[1]), let e = Int(f[2]), s >= 0, e > s else {
                throw PipelineError.data("\(groundTruth):\(k + 1): expected sequence name, start, end")
            }
            rows.append((String(f[0]), s, e, f.count > 3 ? String(f[3]) : nil))
        }
        let byOutput = rows.contains { $0.3.map(outputs.contains) ?? false }
        var sites: [String: [(Int, Int)]] = [:]
        for (name, s, e, label) in rows where !byOutput || target == nil || label == target {
            sites[name, default: []].append((s, e))
        }
        return sites
    }
}
