import Model

/// Relevance for a batch of windows, with the checks every run reports.
public struct Explanation: Sendable {
    /// `[N, 4, L]`, channel order A, C, G, T; per-base relevance is the channel sum.
    public var relevance: Tensor
    /// The target logit of each window.
    public var logits: [Float]
    /// Relevance put on the output of each window.
    public var outputRelevance: [Float]
    /// Σ of each window's input relevance.
    public var inputSum: [Float]
    /// Per window, an upper bound on what biases and stabilisers can absorb along the way.
    public var absorbable: [Float]
    /// PLRP-M: upper neurons all of whose contributors were pruned (their relevance was redistributed).
    public var orphanedNeurons: Int
    /// PLRP-λ: the worst relative change of a layer's positive or negative mass by pruning (should be ~1e-7).
    public var worstLayerMassChange: Double
    /// When asked for, `[N, 4, L]`: the relevance each base would receive if it were the base present, the upper
    /// layers' relevance held fixed (the first layers' rule terms before the input multiplies them).
    public var hypothetical: Tensor? = nil

    /// Windows whose conservation deviation exceeds what biases and stabilisers can explain.
    public func unexplainedDeviations(tolerance: Float = 1e-4) -> [Int] {
        (0..<logits.count).filter { i in
            abs(inputSum[i] - outputRelevance[i]) > absorbable[i] * 1.01 + tolerance * max(abs(outputRelevance[i]), 1)
        }
    }

    /// The worst |Σ input relevance − output relevance| and the same relative to |output relevance|.
    public var worstDeviation: (absolute: Float, relative: Float) {
        var absolute: Float = 0, relative: Float = 0
        for i in 0..<logits.count {
            let d = abs(inputSum[i] - outputRelevance[i])
            absolute = max(absolute, d)
            relative = max(relative, d / max(abs(outputRelevance[i]), 1e-12))
        }
        return (absolute, relative)
    }
}
