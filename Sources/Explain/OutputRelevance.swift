/// The relevance put on the target output before propagating back.
public enum OutputRelevance: String, Sendable, CaseIterable {
    /// The target logit's value: input relevance sums to about the logit.
    case logit
    /// 1 at the target (zennit's convention).
    case one
}
