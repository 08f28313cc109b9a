import Encoding
import Foundation
import Model

/// Explanation methods compared by `plrp evaluate`, and the metrics of docs/method.md for each over a set of sequences.
public struct Evaluation: Sendable {
    public enum Method: Sendable, Equatable, CustomStringConvertible {
        case lrp, plrpLambda(Float), plrpM(Float), gradientXInput, saliency, ism
        /// DeepLIFT/SHAP against `Evaluation.shuffles` dinucleotide shuffles per sequence.
        case deepLiftShap

        /// The `method` column of metrics.tsv.
        public var description: String {
            switch self {
            case .lrp: "lrp"
            case .plrpLambda: "plrp-lambda"
            case .plrpM: "plrp-m"
            case .gradientXInput: "gradient-x-input"
            case .saliency: "saliency"
            case .ism: "ism"
            case .deepLiftShap: "deeplift-shap"
            }
        }

        /// The pruning fraction (0 for all but PLRP).
        public var p: Float {
            switch self {
            case .plrpLambda(let p), .plrpM(let p): p
            default: 0
            }
        }
    }

    public let network: Network
    public let composite: Composite
    /// Bases removed per AOPC step, and the number of steps.
    public var aopcStepBases: Int
    public var aopcSteps = 20
    /// Random single-base substitutions outside the ground truth for max-sensitivity (not for ISM: see `run`).
    public var robustnessSamples = 10
    public var seed: UInt64 = 1
    /// References per sequence for DeepLIFT/SHAP.
    public var shuffles = 20

    public init(network: Network, composite: Composite = Composite()) {
        self.network = network
        self.composite = composite
        aopcStepBases = max(1, network.inputLength / 100)
    }

    /// One method's metrics for one sequence (nil where undefined: RMA without ground truth, ISM's robustness).
    public struct Scores: Sendable {
        public var rma: Double?
        public var gini: Double
        public var aopc: Double
        public var maxSensitivity: Double?
        public var ismPearson: Double
    }

    public struct MethodResult: Sendable {
        public let method: Method
        public let perSequence: [Scores]
        public let secondsPerWindow: Double
        /// Mean target logit after each AOPC removal step.
        public let curve: [Double]
        /// Per-base relevance of every sequence.
        public let relevance: [[Float]]
    }

    public struct Result: Sendable {
        public let methods: [MethodResult]
        /// The random-order baseline: per-sequence AOPC and the mean curve.
        public let randomAOPC: [Double]
        public let randomCurve: [Double]
    }

    /// Evaluates `methods` on `input` (`[N, 4, L]` one-hot) explaining `targets[i]` of sequence i; `truth[i][j]`
    /// marks ground-truth bases (nil: no ground truth, RMA undefined; robustness then substitutes anywhere).
    /// Max-sensitivity is not computed for ISM: it would take `robustnessSamples × 3L` forward passes per sequence.
    public func run(input: Tensor, targets: [Target], truth: [[Bool]]?, methods: [Method], compute: Compute) throws -> Result {
        let n = input.shape[0], length = input.shape[2]
        let ismEffects = baseSums(InSilicoMutagenesis.compute(network, input: input, targets: targets, compute: compute))
        var random = SeededRandom(seed: seed)
        let randomOrders = (0..<n).map { _ -> [Int] in
            var order = Array(0..<length)
            random.shuffle(&order)
            return order
        }
        let randomCurves = curves(input: input, targets: targets, orders: randomOrders, compute: compute)
        // The same substitutions for every method: (sequence, position, new base).
        let substitutions = (0..<n).map { i -> [(Int, Int)] in
            let allowed = (0..<length).filter { !(truth?[i][$0] ?? false) }
            return (0..<robustnessSamples).compactMap { _ in
                guard !allowed.isEmpty else { return nil }
                let position = allowed[Int(random.next() % UInt64(allowed.count))]
                let current = (0..<4).first { input.values[i * 4 * length + $0 * length + position] == 1 } ?? 0
                return (position, (current + 1 + Int(random.next() % 3)) % 4)
            }
        }
        var results: [MethodResult] = []
        for method in methods {
            let started = Date()
            let relevance = baseSums(try explain(method, input, targets, compute))
            let seconds = Date().timeIntervalSince(started) / Double(max(n, 1))
            let orders = relevance.map(ExplanationMetrics.removalOrder)
            let methodCurves = curves(input: input, targets: targets, orders: orders, compute: compute)
            var sensitivity: [Double?] = Array(repeating: nil, count: n)
            if method != .ism && robustnessSamples > 0 {
                sensitivity = try maxSensitivity(method, input, targets, relevance, substitutions, compute)
            }
            let scores = (0..<n).map { i in
                Scores(rma: truth.map { ExplanationMetrics.rma(relevance[i], truth: $0[i]) },
                       gini: ExplanationMetrics.gini(relevance[i]),
                       aopc: ExplanationMetrics.aopc(methodCurves[i]),
                       maxSensitivity: sensitivity[i],
                       ismPearson: ExplanationMetrics.pearson(relevance[i], ismEffects[i]))
            }
            results.append(MethodResult(method: method, perSequence: scores, secondsPerWindow: seconds,
                                        curve: Self.meanCurve(methodCurves), relevance: relevance))
        }
        return Result(methods: results, randomAOPC: randomCurves.map(ExplanationMetrics.aopc),
                      randomCurve: Self.meanCurve(randomCurves))
    }

    /// The method's relevance `[N, 4, L]`; `windows[i]` is item i's sequence (it seeds DeepLIFT's shuffles, so a
    /// perturbed copy of a sequence is compared with references drawn the same way).
    public func explain(_ method: Method, _ input: Tensor, _ targets: [Target], _ compute: Compute,
                        windows: [Int]? = nil) throws -> Tensor {
        let attributor: Attributor
        switch method {
        case .lrp, .plrpLambda, .plrpM:
            let variant: PruningPlan.Variant = { if case .plrpM = method { return .m } else { return .lambda } }()
            let lrp = try LRP(model: network, composite: composite, pruning: PruningPlan(global: method.p, variant: variant))
            attributor = try Attributor(network: network, method: .lrp(lrp))
        case .gradientXInput: attributor = try Attributor(network: network, method: .gradientXInput)
        case .saliency: attributor = try Attributor(network: network, method: .saliency)
        case .ism: attributor = try Attributor(network: network, method: .ism)
        case .deepLiftShap: attributor = try Attributor(network: network, method: .deepLiftShap(.shuffles(count: shuffles, seed: seed)))
        }
        return attributor.attribute(input, targets: targets, windows: windows ?? Array(0..<input.shape[0]), compute: compute).relevance
    }

    /// Target logits after 0, 1, …, `aopcSteps` removal steps (each step sets `aopcStepBases` more bases, in `orders[i]`
    /// order, to 0.25 in every channel), per sequence.
    func curves(input: Tensor, targets: [Target], orders: [[Int]], compute: Compute) -> [[Float]] {
        let n = input.shape[0], length = input.shape[2], row = 4 * length
        let steps = aopcSteps + 1
        var perturbed = [Float](repeating: 0, count: n * steps * row)
        for i in 0..<n {
            let source = input.values[(i * row)..<((i + 1) * row)]
            for k in 0..<steps {
                let o = (i * steps + k) * row
                perturbed.replaceSubrange(o..<(o + row), with: source)
                for position in orders[i].prefix(min(length, k * aopcStepBases)) {
                    for c in 0..<4 { perturbed[o + c * length + position] = 0.25 }
                }
            }
        }
        let values = network.targetValues(Tensor(shape: [n * steps, 4, length], values: perturbed),
                                          targets: targets.flatMap { Array(repeating: $0, count: steps) }, compute: compute)
        return (0..<n).map { i in (0..<steps).map { k in values[i * steps + k] } }
    }

    private func maxSensitivity(_ method: Method, _ input: Tensor, _ targets: [Target], _ relevance: [[Float]],
                                _ substitutions: [[(Int, Int)]], _ compute: Compute) throws -> [Double?] {
        let length = input.shape[2], row = 4 * length
        var values: [Float] = []
        var owners: [Int] = []
        for (i, changes) in substitutions.enumerated() {
            for (position, base) in changes {
                var copy = Array(input.values[(i * row)..<((i + 1) * row)])
                for c in 0..<4 { copy[c * length + position] = c == base ? 1 : 0 }
                values += copy
                owners.append(i)
            }
        }
        guard !owners.isEmpty else { return Array(repeating: nil, count: substitutions.count) }
        let changed = baseSums(try explain(method, Tensor(shape: [owners.count, 4, length], values: values), owners.map { targets[$0] },
                                           compute, windows: owners))
        var worst = [Double?](repeating: nil, count: substitutions.count)
        for (k, i) in owners.enumerated() {
            worst[i] = max(worst[i] ?? 0, ExplanationMetrics.relativeChange(from: relevance[i], to: changed[k]))
        }
        return worst
    }

    /// Per-base channel sums of `[N, 4, L]`.
    func baseSums(_ t: Tensor) -> [[Float]] { BaseSums.rows(t.values, length: t.shape[2]) }

    static func meanCurve(_ curves: [[Float]]) -> [Double] {
        guard let steps = curves.first?.count else { return [] }
        return (0..<steps).map { k in curves.reduce(0) { $0 + Double($1[k]) } / Double(curves.count) }
    }
}
