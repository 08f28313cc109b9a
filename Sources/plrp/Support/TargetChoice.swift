import Model

/// Which output a run explains, from `--target`: fixed outputs (one, or every output for `all`), or the top logit of
/// each window when the option is absent and the model is a softmax classifier (the first task otherwise).
struct TargetChoice {
    /// The explained output indices, or nil for the top logit per window.
    let fixed: [Int]?

    init(_ target: String?, network: Network, allowAll: Bool) throws {
        let outputs = network.outputs
        guard let target else {
            fixed = network.architecture.outputActivation == .softmax ? nil : [0]
            return
        }
        if allowAll && target == "all" {
            fixed = Array(outputs.indices)
        } else if let index = outputs.firstIndex(of: target) {
            fixed = [index]
        } else if let index = Int(target), outputs.indices.contains(index) {
            fixed = [index]
        } else {
            throw UsageError("--target '\(target)' is not an output of the model (\(outputs.joined(separator: ", "))), an index below \(outputs.count)\(allowAll ? ", or all" : "")")
        }
    }

    /// The single explained output, or nil for the top logit per window (for commands that explain one output).
    var single: Int? { fixed?.first }

    /// Each window's top-logit output.
    static func topLogits(_ network: Network, _ batch: Tensor, compute: Compute) -> [Int] {
        let logits = network.logits(batch, compute: compute)
        let width = network.outputs.count
        return (0..<batch.shape[0]).map { i in
            (0..<width).max { logits.values[i * width + $0] < logits.values[i * width + $1] }!
        }
    }

    /// Per-window targets for one fixed output (or the top logits when `output` is nil).
    static func perWindow(_ output: Int?, _ network: Network, _ batch: Tensor, compute: Compute) -> [Int] {
        output.map { Array(repeating: $0, count: batch.shape[0]) } ?? topLogits(network, batch, compute: compute)
    }
}
