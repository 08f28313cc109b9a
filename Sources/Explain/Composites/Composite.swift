import Model

/// Which rule explains which layer, named as in zennit. Layer-name overrides (`--rule NAME=RULE`) come first, then
/// the first conv/dense layer's special rule, then the rule for its kind. Pooling, activations and the like are not
/// chosen here: they have fixed treatments (`LRP`).
public struct Composite: Sendable, Equatable {
    public enum Name: String, Sendable, CaseIterable {
        case epsilonPlus = "epsilon_plus"
        case epsilonPlusFlat = "epsilon_plus_flat"
        case epsilonGammaBox = "epsilon_gamma_box"
        case epsilonAlpha2Beta1 = "epsilon_alpha2_beta1"
        case epsilonAlpha2Beta1Flat = "epsilon_alpha2_beta1_flat"
    }

    public let name: Name
    public let epsilon: Float
    public let gamma: Float
    public var overrides: [String: Rule]

    public init(_ name: Name = .epsilonPlus, epsilon: Float = 1e-6, gamma: Float = 0.25, overrides: [String: Rule] = [:]) {
        self.name = name
        self.epsilon = epsilon
        self.gamma = gamma
        self.overrides = overrides
    }

    /// The rule for a conv or dense layer; `isFirst` marks the first of them (the one reading the one-hot input).
    public func rule(for spec: LayerSpec, isFirst: Bool) -> Rule {
        if let rule = overrides[spec.name] { return rule }
        let isConv = spec.kind == .conv1d
        switch name {
        case .epsilonPlus:
            return isConv ? .zPlus : .epsilon(epsilon)
        case .epsilonPlusFlat:
            if isFirst { return .flat }
            return isConv ? .zPlus : .epsilon(epsilon)
        case .epsilonGammaBox:
            if isFirst && isConv { return .zBox(low: 0, high: 1) }
            return isConv ? .gamma(gamma) : .epsilon(epsilon)
        case .epsilonAlpha2Beta1:
            return isConv ? .alphaBeta(alpha: 2, beta: 1) : .epsilon(epsilon)
        case .epsilonAlpha2Beta1Flat:
            if isFirst { return .flat }
            return isConv ? .alphaBeta(alpha: 2, beta: 1) : .epsilon(epsilon)
        }
    }
}
