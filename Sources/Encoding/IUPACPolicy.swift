/// How bases other than A, C, G, T are encoded.
public enum IUPACPolicy: String, Sendable, CaseIterable {
    /// N and every ambiguity code are an all-zero column.
    case zero
    /// Ambiguity codes spread evenly over the bases they stand for: R = 0.5 A + 0.5 G, N = 0.25 each.
    case fractional
}
