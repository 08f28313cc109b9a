/// An LRP rule for conv and dense layers (docs/method.md; zennit ≥ 0.5 conventions). `pass` hands relevance through
/// unchanged; it is what activations, dropout, flatten and unmerged batch norm use.
public enum Rule: Sendable, Equatable, CustomStringConvertible {
    case epsilon(Float)
    case zPlus
    case alphaBeta(alpha: Float, beta: Float)
    case gamma(Float)
    case zBox(low: Float, high: Float)
    case flat
    case wSquare
    case pass

    /// Parses `epsilon`, `epsilon:1e-3`, `zplus`, `alpha_beta` (α2β1), `alpha1_beta0`, `alpha2_beta1`, `gamma`,
    /// `gamma:0.5`, `zbox` (0/1), `zbox:low:high`, `flat`, `wsquare`, `pass`. `epsilon` and `gamma` take their
    /// defaults from the arguments.
    public static func parse(_ text: String, epsilon: Float, gamma: Float) throws -> Rule {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        func number(_ i: Int) throws -> Float {
            guard i < parts.count, let v = Float(parts[i]), v.isFinite else {
                throw ExplainError("rule '\(text)': expected a number after ':'")
            }
            return v
        }
        switch parts.first ?? "" {
        case "epsilon": return .epsilon(parts.count > 1 ? try number(1) : epsilon)
        case "zplus", "z_plus", "alpha1_beta0": return .zPlus
        case "alpha_beta", "alpha2_beta1": return .alphaBeta(alpha: 2, beta: 1)
        case "gamma": return .gamma(parts.count > 1 ? try number(1) : gamma)
        case "zbox", "z_box": return parts.count > 2 ? .zBox(low: try number(1), high: try number(2)) : .zBox(low: 0, high: 1)
        case "flat": return .flat
        case "wsquare", "w_square": return .wSquare
        case "pass": return .pass
        default:
            throw ExplainError("unknown rule '\(text)' (epsilon, zplus, alpha_beta, gamma, zbox, flat, wsquare, pass)")
        }
    }

    public var description: String {
        switch self {
        case .epsilon(let e): "epsilon(\(e))"
        case .zPlus: "zplus"
        case .alphaBeta(let a, let b): "alpha\(a)_beta\(b)"
        case .gamma(let g): "gamma(\(g))"
        case .zBox(let l, let h): "zbox(\(l), \(h))"
        case .flat: "flat"
        case .wSquare: "wsquare"
        case .pass: "pass"
        }
    }
}

/// `z + ε·sign₀(z)` with sign₀(0) = +1: the stabilised denominator of every rule.
@inline(__always)
func stabilized(_ z: Float, _ epsilon: Float) -> Float { z >= 0 ? z + epsilon : z - epsilon }
