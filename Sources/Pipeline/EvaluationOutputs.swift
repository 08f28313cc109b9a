import Explain
import Foundation
import Tracks

/// The tables and plots of an evaluation (`plrp evaluate`).
public enum EvaluationOutputs {
    public static let header = "method\tp\trma\tgini\taopc\taopc_random\tmax_sensitivity\tism_pearson\tseconds_per_window"

    /// Means over sequences of each metric (undefined values left out; "NA" when none is defined).
    public static func metricsTSV(_ result: Evaluation.Result) -> String {
        let random = mean(result.randomAOPC)
        var text = header + "\n"
        for m in result.methods {
            let s = m.perSequence
            text += [m.method.description, format(Double(m.method.p)), format(mean(s.compactMap(\.rma))), format(mean(s.map(\.gini))),
                     format(mean(s.map(\.aopc))), format(random), format(mean(s.compactMap(\.maxSensitivity))),
                     format(mean(s.map(\.ismPearson))), format(m.secondsPerWindow)].joined(separator: "\t") + "\n"
        }
        return text
    }

    public static func perSequenceTSV(_ result: Evaluation.Result, names: [String]) -> String {
        var text = "method\tp\tsequence\trma\tgini\taopc\taopc_random\tmax_sensitivity\tism_pearson\n"
        for m in result.methods {
            for (i, s) in m.perSequence.enumerated() {
                text += [m.method.description, format(Double(m.method.p)), names[i], format(s.rma), format(s.gini), format(s.aopc),
                         format(result.randomAOPC[i]), format(s.maxSensitivity), format(s.ismPearson)].joined(separator: "\t") + "\n"
            }
        }
        return text
    }

    /// rma_vs_p.svg, gini_vs_p.svg, faithfulness.svg and example.svg.
    public static func charts(_ result: Evaluation.Result, truth: [[Bool]], names: [String], stepFraction: Double) -> [(String, LineChart)] {
        let lrp = result.methods.first { $0.method == .lrp }
        let lambda = result.methods.filter { if case .plrpLambda = $0.method { return true } else { return false } }
        let m = result.methods.filter { if case .plrpM = $0.method { return true } else { return false } }
        var charts: [(String, LineChart)] = []
        let metrics: [(String, String, ([Evaluation.Scores]) -> Double)] = [
            ("rma_vs_p.svg", "Relevance mass accuracy against p", { mean($0.compactMap(\.rma)) ?? .nan }),
            ("gini_vs_p.svg", "Sparsity (Gini of |r|) against p", { mean($0.map(\.gini)) ?? .nan }),
        ]
        for (file, title, metric) in metrics {
            var chart = LineChart(title: title, xLabel: "p (fraction of relevance mass pruned per layer)", yLabel: file.hasPrefix("rma") ? "RMA" : "Gini")
            let xs = [0.0] + lambda.map { Double($0.method.p) }
            if let lrp {
                let base = metric(lrp.perSequence)
                chart.series.append(.init(name: "PLRP-λ", x: xs, y: [base] + lambda.map { metric($0.perSequence) }, colour: LineChart.palette[0]))
                chart.series.append(.init(name: "PLRP-M", x: xs, y: [base] + m.map { metric($0.perSequence) }, colour: LineChart.palette[1]))
                chart.series.append(.init(name: "LRP", x: [xs.first!, xs.last!], y: [base, base], colour: "#555", dashed: true))
            }
            charts.append((file, chart))
        }
        var faith = LineChart(title: "Faithfulness: target logit as the most relevant bases are removed",
                              xLabel: "fraction of bases removed", yLabel: "mean target logit")
        let shown = result.methods.filter { r in
            switch r.method {
            case .plrpLambda(let p), .plrpM(let p): return p == 0.5 || (lambda.count == 1 && p == lambda[0].method.p)
            default: return true
            }
        }
        for (k, r) in shown.enumerated() {
            let name = r.method.p > 0 ? "\(r.method) p=\(r.method.p)" : r.method.description
            faith.series.append(.init(name: name, x: r.curve.indices.map { Double($0) * stepFraction }, y: r.curve,
                                      colour: LineChart.palette[k % LineChart.palette.count]))
        }
        faith.series.append(.init(name: "random order", x: result.randomCurve.indices.map { Double($0) * stepFraction },
                                  y: result.randomCurve, colour: "#000", dashed: true))
        charts.append(("faithfulness.svg", faith))
        // The example: the sequence where LRP puts most mass on the sites, under LRP and PLRP-λ at two values of p.
        // (Without ground truth: the sequence LRP explains most sparsely.)
        if let lrp, let example = lrp.perSequence.indices.max(by: {
            let (a, b) = (lrp.perSequence[$0], lrp.perSequence[$1])
            return (a.rma ?? a.gini) < (b.rma ?? b.gini)
        }) {
            var chart = LineChart(title: "Per-base relevance of \(names[example])\(truth[example].contains(true) ? " (shaded: ground truth)" : "")", xLabel: "position", yLabel: "relevance")
            var runs: [(Double, Double)] = []
            var start: Int? = nil
            for (i, t) in (truth[example] + [false]).enumerated() {
                if t && start == nil { start = i }
                if !t, let s = start { runs.append((Double(s), Double(i))); start = nil }
            }
            chart.shaded = runs
            chart.width = 900
            let picks = [lrp] + [lambda.dropFirst().first, lambda.last].compactMap { $0 }
            for (k, r) in picks.enumerated() {
                let name = r.method.p > 0 ? "\(r.method) p=\(r.method.p)" : "LRP"
                chart.series.append(.init(name: name, x: r.relevance[example].indices.map(Double.init),
                                          y: r.relevance[example].map(Double.init), colour: LineChart.palette[k]))
            }
            charts.append(("example.svg", chart))
        }
        return charts
    }

    public static func mean(_ values: [Double]) -> Double? {
        let finite = values.filter(\.isFinite)
        return finite.isEmpty ? nil : finite.reduce(0, +) / Double(finite.count)
    }

    public static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "NA" }
        return String(format: "%.6g", value)
    }
}
