import ArgumentParser
import Explain
import Pipeline

extension Composite.Name: ExpressibleByArgument {}
extension PruningPlan.Variant: ExpressibleByArgument {}
extension OutputRelevance: ExpressibleByArgument {}
extension Attributor.Strand: ExpressibleByArgument {}
extension MethodConfiguration.Method: ExpressibleByArgument {}

/// How windows are explained; shared by every command that explains (explain, run, query). The default is PLRP-λ with
/// p = 0.5 (epsilon-plus composite); --prune 0 is LRP.
struct MethodOptions: ParsableArguments {
    /// The library's defaults are the options' defaults.
    private static let defaults = MethodConfiguration()

    @Option(help: "lrp (with --prune: PLRP), deeplift-shap (DeepLIFT's rescale rule averaged over references), gradient-x-input, saliency, or ism (in-silico mutagenesis).")
    var method = defaults.method

    @Option(help: "deeplift-shap: dinucleotide-shuffled references per window (seeded by --seed and the window's index).")
    var shuffles = defaults.shuffles

    @Option(help: "deeplift-shap: references from this .npz (arr_0, [N, R, 4, L] one per window, or [R, 4, L] shared) instead of shuffles.")
    var references: String?

    @Flag(help: "deeplift-shap: also write the references used, DIR/references.npz [N, R, 4, L].")
    var writeReferences = false

    @Option(help: "Seed of the shuffled references.")
    var seed = defaults.seed

    @Flag(help: "Also write DIR/hypothetical.npz [N, 4, L]: what each base would contribute if it were the one present (TF-MoDISco's hypothetical contributions; lrp, deeplift-shap and gradient-x-input).")
    var hypothetical = false

    @Option(help: "forward, or both: also explain each window reverse-complemented and average the two maps in forward orientation.")
    var strand = defaults.strand

    @Option(help: "LRP composite: \(Composite.Name.allCases.map(\.rawValue).joined(separator: ", ")).")
    var composite = defaults.composite

    @Option(name: .customLong("rule"), help: "Rule for one layer by name, LAYER=RULE (epsilon, zplus, alpha_beta, gamma, zbox, flat, wsquare, pass); repeatable.")
    var rules: [String] = []

    @Option(help: "ε of the epsilon rule.")
    var epsilon = defaults.epsilon

    @Option(help: "γ of the gamma rule.")
    var gamma = defaults.gamma

    @Option(help: "PLRP: fraction of positive relevance mass pruned at every prunable layer, or per layer NAME=P,NAME=P; 0 is plain LRP.")
    var prune = defaults.prune

    @Option(help: "PLRP: fraction of negative relevance mass pruned (default: half the positive fraction).")
    var pruneNeg: Float?

    @Option(help: "PLRP variant: lambda (rescale kept relevance) or m (redo the step without pruned neurons).")
    var plrp = defaults.variant

    @Option(help: "Relevance at the output: the target logit's value (logit) or 1 (one, zennit's convention).")
    var outputRelevance = defaults.outputRelevance

    @Flag(help: "Keep batch norms as layers (relevance passes through them) instead of folding them into conv/dense.")
    var noMergeBatchnorm = false

    func validate() throws {
        do {
            try configuration.validate()
        } catch let error as PipelineError {
            throw ValidationError(error.message)
        }
    }

    /// The library's method configuration.
    var configuration: MethodConfiguration {
        var configuration = MethodConfiguration()
        configuration.method = method
        configuration.shuffles = shuffles
        configuration.references = references
        configuration.writeReferences = writeReferences
        configuration.seed = seed
        configuration.hypothetical = hypothetical
        configuration.strand = strand
        configuration.composite = composite
        configuration.rules = rules
        configuration.epsilon = epsilon
        configuration.gamma = gamma
        configuration.prune = prune
        configuration.pruneNegative = pruneNeg
        configuration.variant = plrp
        configuration.outputRelevance = outputRelevance
        configuration.mergeBatchNorm = !noMergeBatchnorm
        return configuration
    }
}
