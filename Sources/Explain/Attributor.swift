import Encoding
import Model

/// What explains a model: a method (LRP/PLRP with its composite and pruning, a gradient baseline, ISM, or
/// DeepLIFT/SHAP with its references), which strands, and whether hypothetical contributions are wanted. The one
/// place where the method is chosen; commands and evaluations build one and call `attribute`.
public struct Attributor: Sendable {
    public enum Method: Sendable {
        case lrp(LRP)
        case gradientXInput, saliency, ism
        case deepLiftShap(ReferenceSource)

        /// The name used on the command line and in manifests.
        public var name: String {
            switch self {
            case .lrp: "lrp"
            case .gradientXInput: "gradient-x-input"
            case .saliency: "saliency"
            case .ism: "ism"
            case .deepLiftShap: "deeplift-shap"
            }
        }

        /// Whether the method defines what an absent base would have received.
        public var hasHypothetical: Bool {
            switch self {
            case .lrp, .gradientXInput, .deepLiftShap: true
            case .saliency, .ism: false
            }
        }
    }

    public enum Strand: String, Sendable, CaseIterable {
        /// The window as it is.
        case forward
        /// The window and its reverse complement, the latter's map turned back to forward orientation, averaged.
        case both
    }

    public let network: Network
    public let method: Method
    public let strand: Strand
    public let hypothetical: Bool

    public init(network: Network, method: Method, strand: Strand = .forward, hypothetical: Bool = false) throws {
        if hypothetical && !method.hasHypothetical {
            throw ExplainError("--hypothetical: \(method.name) has no hypothetical contributions (lrp, gradient-x-input and deeplift-shap do)")
        }
        if case .lrp(let lrp) = method, lrp.model.inputLength != network.inputLength {
            throw ExplainError("the LRP model does not take the network's input length")
        }
        self.network = network
        self.method = method
        self.strand = strand
        self.hypothetical = hypothetical
    }

    /// Explains `targets[i]` of window i of `batch` (`[N, 4, L]`), whose first window is window `firstWindow` of
    /// the run (window indices seed the shuffled references and pick given per-window references).
    public func attribute(_ batch: Tensor, targets: [Target], firstWindow: Int, compute: Compute) -> Attribution {
        attribute(batch, targets: targets, windows: Array(firstWindow..<(firstWindow + batch.shape[0])), compute: compute)
    }

    /// As above, with each item's window index given (items that are variants of one window can share its index).
    public func attribute(_ batch: Tensor, targets: [Target], windows: [Int], compute: Compute) -> Attribution {
        var forward = attributeOneStrand(batch, targets: targets, windows: windows, reverse: nil, compute: compute)
        guard strand == .both else { return forward }
        let flipped = Self.reverseComplement(batch)
        let reverse = attributeOneStrand(flipped, targets: targets, windows: windows,
                                         reverse: forward.references.map(Self.reverseComplement), compute: compute)
        forward.relevance = Self.average(forward.relevance, Self.reverseComplement(reverse.relevance))
        if let h = forward.hypothetical, let hr = reverse.hypothetical {
            forward.hypothetical = Self.average(h, Self.reverseComplement(hr))
        }
        forward.checks.merge(reverse.checks)
        return forward
    }

    private func attributeOneStrand(_ batch: Tensor, targets: [Target], windows: [Int], reverse references: Tensor?,
                                    compute: Compute) -> Attribution {
        switch method {
        case .lrp(let lrp):
            let explanation = lrp.explain(batch, targets: targets, hypothetical: hypothetical, compute: compute)
            var checks = AttributionChecks()
            let worst = explanation.worstDeviation
            checks.worstConservation = (worst.absolute, worst.relative)
            checks.windowsBeyondBiasAndEpsilon = explanation.unexplainedDeviations().count
            checks.orphanedNeurons = explanation.orphanedNeurons
            checks.worstLayerMassChange = explanation.worstLayerMassChange
            return Attribution(relevance: explanation.relevance, hypothetical: explanation.hypothetical, references: nil,
                               checks: checks)
        case .gradientXInput:
            let gradient = InputGradient.compute(network, input: batch, targets: targets, compute: compute)
            return Attribution(relevance: gradient.multiplied(by: batch), hypothetical: hypothetical ? gradient : nil,
                               references: nil, checks: AttributionChecks())
        case .saliency:
            return Attribution(relevance: InputGradient.saliency(network, input: batch, targets: targets, compute: compute),
                               hypothetical: nil, references: nil, checks: AttributionChecks())
        case .ism:
            return Attribution(relevance: InSilicoMutagenesis.compute(network, input: batch, targets: targets, compute: compute),
                               hypothetical: nil, references: nil, checks: AttributionChecks())
        case .deepLiftShap(let source):
            let refs = references ?? source.references(for: batch, windows: windows)
            let result = DeepLiftShap(model: network).explain(batch, references: refs, targets: targets, compute: compute)
            var checks = AttributionChecks()
            let worst = result.worstDelta
            checks.worstConvergenceDelta = (worst.absolute, worst.relative)
            checks.pairs = result.deltas.count
            checks.pairsBeyondTolerance = zip(result.deltas, result.outputDifferences)
                .filter { $0 > AttributionChecks.convergenceTolerance * max($1, AttributionChecks.smallestDifference) }.count
            return Attribution(relevance: result.projected, hypothetical: hypothetical ? result.hypothetical : nil,
                               references: refs, checks: checks)
        }
    }

    /// Channel c at position t → channel 3 − c at L − 1 − t, for every item of `[N, 4, L]` (or `[N·R, 4, L]`).
    static func reverseComplement(_ t: Tensor) -> Tensor {
        let length = t.shape[t.shape.count - 1], items = t.count / (4 * length)
        let flipped = OneHotBatch(count: items, length: length, values: t.values).reverseComplemented()
        return Tensor(shape: t.shape, values: flipped.values)
    }

    static func average(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = a
        for i in 0..<out.count { out.values[i] = (a.values[i] + b.values[i]) / 2 }
        return out
    }
}

/// An attribution of a batch: the map in forward orientation, and what the method's checks found.
public struct Attribution: Sendable {
    /// `[N, 4, L]`; per-base relevance is the channel sum.
    public var relevance: Tensor
    /// `[N, 4, L]` when asked for.
    public var hypothetical: Tensor?
    /// DeepLIFT/SHAP: the references used, `[N, R, 4, L]` (forward strand).
    public var references: Tensor?
    public var checks: AttributionChecks
}

/// The checks a method makes on every window (LRP conservation, DeepLIFT convergence), merged over batches.
public struct AttributionChecks: Sendable {
    /// LRP: the worst |Σ input relevance − output relevance|, absolute and relative.
    public var worstConservation: (absolute: Float, relative: Float) = (0, 0)
    public var windowsBeyondBiasAndEpsilon = 0
    public var orphanedNeurons = 0
    public var worstLayerMassChange = 0.0
    /// DeepLIFT/SHAP: the worst |Σ (x − ref)·m − (f(x) − f(ref))| over window–reference pairs, absolute and relative
    /// to the pair's |f(x) − f(ref)|, and how many pairs pass `convergenceTolerance` of their output difference.
    public var worstConvergenceDelta: (absolute: Float, relative: Float) = (0, 0)
    public var pairs = 0
    public var pairsBeyondTolerance = 0

    /// A pair is flagged when its delta passes this fraction of its output difference…
    public static let convergenceTolerance: Float = 1e-3
    /// …taken as at least this much, so that float32 rounding (about 1e-6 over a window) does not flag pairs whose
    /// outputs barely differ.
    public static let smallestDifference: Float = 1e-2

    public init() {}

    public mutating func merge(_ other: AttributionChecks) {
        worstConservation = (max(worstConservation.absolute, other.worstConservation.absolute),
                             max(worstConservation.relative, other.worstConservation.relative))
        windowsBeyondBiasAndEpsilon += other.windowsBeyondBiasAndEpsilon
        orphanedNeurons += other.orphanedNeurons
        worstLayerMassChange = max(worstLayerMassChange, other.worstLayerMassChange)
        worstConvergenceDelta = (max(worstConvergenceDelta.absolute, other.worstConvergenceDelta.absolute),
                                 max(worstConvergenceDelta.relative, other.worstConvergenceDelta.relative))
        pairs += other.pairs
        pairsBeyondTolerance += other.pairsBeyondTolerance
    }
}
