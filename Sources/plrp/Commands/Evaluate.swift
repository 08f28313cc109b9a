import ArgumentParser
import Encoding
import Explain
import Foundation
import GenomeIO
import Model
import Pipeline
import Tracks

/// `plrp evaluate`: explanation metrics (faithfulness, sparsity, robustness, agreement with ISM) for LRP, PLRP-λ/M over a
/// grid of p, and the baselines.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explanation metrics (RMA, Gini, AOPC, max-sensitivity, ISM agreement, time) for LRP, PLRP and baselines.",
        discussion: """
        Evaluates LRP (--composite), PLRP-λ and PLRP-M at every p of --prune-grid above 0, gradient-x-input, saliency
        and ISM on the sequences that carry ground truth for the explained output (BED: sequence name, start, end, and
        optionally a name; when names equal the model's outputs, a site counts for its own output only). Per-base
        relevance is the channel sum. RMA: positive relevance on the sites over all positive relevance. Gini of |r|.
        AOPC: --aopc-steps steps, each setting the next 1% of bases (by decreasing relevance) to 0.25 in every channel,
        averaging the drop of the target logit; aopc_random does the same in a random order. max_sensitivity: the
        largest ‖e(x′) − e(x)‖/‖e(x)‖ over --robustness-samples random single-base substitutions outside the sites (not
        computed for ISM, whose cost would be samples × 3L forward passes per sequence). ism_pearson: Pearson
        correlation with ISM's per-base effect. seconds_per_window: the explanation alone.
        Writes metrics.tsv (means over sequences), per_sequence.tsv, rma_vs_p.svg, gini_vs_p.svg, faithfulness.svg,
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
        let started = Date()
        let grid = try pruneGrid.split(separator: ",").map { text -> Float in
            guard let p = Float(text.trimmingCharacters(in: .whitespaces)), p >= 0, p < 1 else {
                throw UsageError("--prune-grid: '\(text)' is not a fraction in [0, 1)")
            }
            return p
        }
        let network = try Opening.model(model)
        let length = network.inputLength
        let records = try FastaRecords(path: sequences)
        var names: [String] = [], bases: [UInt8] = []
        while let record = try records.next() {
            guard record.bases.count == length else {
                throw DataError("\(sequences):\(record.line): record '\(record.name)' has \(record.bases.count) bases; the model takes \(length)")
            }
            names.append(record.name)
            bases += record.bases
        }
        guard !names.isEmpty else { throw DataError("'\(sequences)' holds no sequences") }
        let target = try TargetChoice(self.target, network: network, allowAll: false).single
        let sites = try groundTruth.map { try readSites($0, outputs: network.outputs, target: target.map(network.name(of:))) }
        let chosen = names.indices.filter { sites == nil || sites![names[$0]] != nil }
        guard !chosen.isEmpty else {
            throw DataError("no sequence of '\(sequences)' has a ground-truth site in '\(groundTruth!)' for the explained output")
        }
        var values: [Float] = []
        let encoder = OneHotEncoder(policy: .zero)
        let selected = chosen.flatMap { bases[($0 * length)..<(($0 + 1) * length)] }
        if let bad = encoder.encode(selected, count: chosen.count, length: length, appendingTo: &values) {
            throw DataError("'\(sequences)': invalid sequence character in '\(names[chosen[bad / length]])' at offset \(bad % length)")
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
        let ps = grid.filter { $0 > 0 }
        let methods: [Evaluation.Method] = [.lrp] + ps.map { .plrpLambda($0) } + ps.map { .plrpM($0) } + [.deepLiftShap, .gradientXInput, .saliency, .ism]
        var evaluation = Evaluation(network: network, composite: Composite(composite))
        evaluation.aopcSteps = aopcSteps
        evaluation.robustnessSamples = robustnessSamples
        evaluation.seed = seed
        evaluation.shuffles = shuffles
        let result = try evaluation.run(input: input, targets: targets, truth: truth, methods: methods, compute: compute)

        Interruption.watch(out)
        let folder = try OutputCheck.folder(out)
        try TextFile.write(EvaluationOutputs.metricsTSV(result), to: folder.stage("metrics.tsv"))
        try TextFile.write(EvaluationOutputs.perSequenceTSV(result, names: chosen.map { names[$0] }), to: folder.stage("per_sequence.tsv"))
        for (name, chart) in EvaluationOutputs.charts(result, truth: truth ?? chosen.map { _ in [Bool](repeating: false, count: length) }, names: chosen.map { names[$0] }, stepFraction: Double(evaluation.aopcStepBases) / Double(length)) {
            try TextFile.write(chart.svg, to: folder.stage(name))
        }
        var manifest = Manifest(command: "evaluate")
        manifest.parameters = ["prune_grid": grid.map(Double.init), "target": target.map(network.name(of:)) ?? "top logit per sequence",
                               "composite": composite.rawValue, "aopc_steps": aopcSteps, "aopc_step_bases": evaluation.aopcStepBases,
                               "robustness_samples": robustnessSamples, "seed": seed, "shuffles": shuffles, "model": model]
        for file in [model, sequences] + (groundTruth.map { [$0] } ?? []) { try manifest.addInput(file) }
        manifest.results = ["sequences": chosen.count, "sequences_without_sites": names.count - chosen.count, "rows": methods.count]
        manifest.timings = ["total": Date().timeIntervalSince(started)]
        try manifest.write(to: folder.stage("manifest.json"))
        try folder.commit()
        if !quiet {
            Console.note(String(format: "evaluated %d methods on %d sequences in %.1f s → %@", methods.count, chosen.count,
                                Date().timeIntervalSince(started), out))
        }
    }

    /// Sites per sequence name; when site names are model outputs, only the explained output's.
    private func readSites(_ groundTruth: String, outputs: [String], target: String?) throws -> [String: [(Int, Int)]] {
        guard let text = try? String(contentsOfFile: groundTruth, encoding: .utf8) else {
            throw DataError("cannot read ground truth '\(groundTruth)'")
        }
        var rows: [(String, Int, Int, String?)] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("track") || line.hasPrefix("browser") { continue }
            let f = line.split(separator: "\t")
            guard f.count >= 3, let s = Int(f[1]), let e = Int(f[2]), s >= 0, e > s else {
                throw DataError("\(groundTruth):\(k + 1): expected sequence name, start, end")
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
