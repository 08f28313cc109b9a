import Explain
import Foundation
import Model
import Tracks

/// How windows are explained: the method, and for LRP its composite, rules and pruning (PLRP), for DeepLIFT/SHAP
/// its references; which strands, and whether hypothetical contributions are kept. `attributor(for:)` builds the
/// Explain module's `Attributor` from it. The defaults — every command's — are PLRP-λ with p = 0.5 and the epsilon-plus
/// composite; `prune = "0"` is plain LRP.
public struct MethodConfiguration: Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case lrp
        case gradientXInput = "gradient-x-input"
        case saliency
        case ism
        case deepliftShap = "deeplift-shap"
    }

    public var method: Method = .lrp
    public var composite: Composite.Name = .epsilonPlus
    /// Rules for single layers, `LAYER=RULE`.
    public var rules: [String] = []
    public var epsilon: Float = 1e-6
    public var gamma: Float = 0.25
    /// PLRP: the fraction of positive relevance mass pruned at every prunable layer, or per layer `NAME=P,NAME=P`
    /// ("0": plain LRP).
    public var prune = "0.5"
    /// PLRP: the fraction of negative relevance mass pruned (nil: half the positive fraction).
    public var pruneNegative: Float?
    public var variant: PruningPlan.Variant = .lambda
    public var outputRelevance: OutputRelevance = .logit
    /// Fold batch norms into the neighbouring conv/dense layers before explaining.
    public var mergeBatchNorm = true
    /// DeepLIFT/SHAP: dinucleotide-shuffled references per window, seeded by `seed` and the window's index.
    public var shuffles = 20
    /// DeepLIFT/SHAP: an .npz of references (`[N, R, 4, L]` per window or `[R, 4, L]` shared) instead of shuffles.
    public var references: String?
    /// DeepLIFT/SHAP: also write the references used.
    public var writeReferences = false
    public var seed: UInt64 = 1
    public var hypothetical = false
    public var strand: Attributor.Strand = .forward

    public init() {}

    /// PLRP-λ pruning the fraction `p` of relevance mass per layer (p = 0: LRP), with the epsilon-plus composite.
    public static func plrp(_ p: Double, variant: PruningPlan.Variant = .lambda) -> MethodConfiguration {
        var configuration = MethodConfiguration()
        configuration.prune = p == 0 ? "0" : "\(p)"
        configuration.variant = variant
        return configuration
    }

    /// Usage errors for values out of range or options that do not fit the method.
    public func validate() throws {
        if !(epsilon >= 0) || !(gamma >= 0) { throw PipelineError.usage("--epsilon and --gamma must not be negative") }
        if let pruneNegative, !(pruneNegative >= 0 && pruneNegative < 1) { throw PipelineError.usage("--prune-neg must be a fraction in [0, 1)") }
        if shuffles < 1 { throw PipelineError.usage("--shuffles must be at least 1, got \(shuffles)") }
        if method != .deepliftShap && (references != nil || writeReferences) {
            throw PipelineError.usage("--references and --write-references need --method deeplift-shap")
        }
        if hypothetical && (method == .saliency || method == .ism) {
            throw PipelineError.usage("--hypothetical: \(method.rawValue) has no hypothetical contributions (lrp, deeplift-shap and gradient-x-input do)")
        }
    }

    public func pruningPlan() throws -> PruningPlan {
        do {
            let parsed = try PruningPlan.parse(prune)
            return PruningPlan(global: parsed.global, perLayer: parsed.perLayer, negative: pruneNegative, variant: variant)
        } catch let error as ExplainError {
            throw PipelineError.usage(error.message)
        }
    }

    /// The composite with the per-layer rules applied.
    public func compositeWithOverrides() throws -> Composite {
        var overrides: [String: Rule] = [:]
        for text in rules {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw PipelineError.usage("--rule '\(text)': expected LAYER=RULE") }
            do {
                overrides[parts[0]] = try Rule.parse(parts[1], epsilon: epsilon, gamma: gamma)
            } catch let error as ExplainError {
                throw PipelineError.usage(error.message)
            }
        }
        return Composite(composite, epsilon: epsilon, gamma: gamma, overrides: overrides)
    }

    /// The relevance pass for `network` (built for every method: its rules go into the manifest).
    public func lrp(for network: Network) throws -> LRP {
        let plan = try pruningPlan()
        return try LRP(model: network, composite: try compositeWithOverrides(), pruning: plan,
                       outputRelevance: outputRelevance, mergeBatchNorm: mergeBatchNorm)
    }

    /// The attributor; given references are read here and checked against `windows` (the run's window count, when
    /// known before reading).
    public func attributor(for network: Network, lrp: LRP, windows: Int?) throws -> Attributor {
        let chosen: Attributor.Method
        switch method {
        case .lrp: chosen = .lrp(lrp)
        case .gradientXInput: chosen = .gradientXInput
        case .saliency: chosen = .saliency
        case .ism: chosen = .ism
        case .deepliftShap:
            if let references {
                let array: NPZReader.Array32
                do {
                    array = try NPZReader.read(path: references)
                } catch {
                    throw PipelineError.usage("--references '\(references)': \(error)")
                }
                let tensor = Tensor(shape: array.shape, values: array.values)
                if let problem = ReferenceSource.validate(tensor, length: network.inputLength, windows: windows) {
                    throw PipelineError.usage("--references '\(references)': \(problem)")
                }
                chosen = .deepLiftShap(.given(tensor))
            } else {
                chosen = .deepLiftShap(.shuffles(count: shuffles, seed: seed))
            }
        }
        return try Attributor(network: network, method: chosen, strand: strand, hypothetical: hypothetical)
    }

    /// Whether LRP prunes (PLRP).
    public func prunes(_ plan: PruningPlan) -> Bool { plan.global > 0 || !plan.perLayer.isEmpty }

    /// The method as summary lines name it: `epsilon_plus, PLRP-lambda`, `deeplift-shap, 20 references`, `ism`.
    public func label(plan: PruningPlan, attributor: Attributor) -> String {
        switch method {
        case .lrp: return "\(composite.rawValue)\(prunes(plan) ? ", PLRP-\(variant.rawValue)" : "")"
        case .deepliftShap: return "deeplift-shap, \(Self.referenceCount(attributor)) references"
        default: return method.rawValue
        }
    }

    /// The method as track descriptions name it: `epsilon_plus PLRP-lambda prune 0.5`.
    public var trackDescription: String {
        method == .lrp ? "\(composite.rawValue)\(prune == "0" ? "" : " PLRP-\(variant.rawValue) prune \(prune)")" : method.rawValue
    }

    /// References per window of a DeepLIFT/SHAP attributor (0 for other methods).
    public static func referenceCount(_ attributor: Attributor) -> Int {
        if case .deepLiftShap(let source) = attributor.method { return source.count }
        return 0
    }

    /// The windows given per-window references cover (`[N, R, 4, L]`), or nil.
    public static func perWindowReferences(_ attributor: Attributor) -> Int? {
        if case .deepLiftShap(.given(let tensor)) = attributor.method, tensor.shape.count == 4 { return tensor.shape[0] }
        return nil
    }

    /// The method's part of a manifest's parameters.
    public func manifestParameters(lrp: LRP, attributor: Attributor) -> [String: Any] {
        var parameters: [String: Any] = [
            "method": method.rawValue, "composite": composite.rawValue, "epsilon": epsilon, "gamma": gamma,
            "rules": Dictionary(uniqueKeysWithValues: lrp.rules.map { ($0.layer, $0.rule.description) }),
            "prune": prune, "prune_neg": pruneNegative.map { $0 as Any } ?? NSNull(), "plrp": variant.rawValue,
            "output_relevance": outputRelevance.rawValue, "merge_batchnorm": mergeBatchNorm,
            "batchnorms_merged": lrp.mergedBatchNorms, "batchnorms_kept": lrp.keptBatchNorms,
            "strand": strand.rawValue, "hypothetical": hypothetical,
        ]
        if method == .deepliftShap {
            parameters["references"] = references ?? "dinucleotide shuffles"
            parameters["shuffles"] = references == nil ? shuffles : Self.referenceCount(attributor)
            parameters["seed"] = seed
        }
        return parameters
    }
}
