import Model

/// Which output a job explains: a scalar output by name or flat index, a head by name (a profile head as a whole; a
/// scalar head with one value, or all its values where `all` is allowed), every scalar output (`all`), or the top
/// logit of each window when no target is named and the model is a softmax classifier (the first scalar output
/// otherwise).
public struct TargetChoice: Sendable {
    /// The explained targets, or nil for the top logit per window.
    public let fixed: [Target]?

    public init(_ target: String?, network: Network, allowAll: Bool) throws {
        let outputs = network.outputs
        guard let target else {
            fixed = network.architecture.outputActivation == .softmax || outputs.isEmpty
                ? (outputs.isEmpty ? [.profile(head: 0)] : nil) : [.scalar(0)]
            return
        }
        if allowAll && target == "all" {
            fixed = outputs.indices.map { .scalar($0) }
        } else if let index = outputs.firstIndex(of: target) {
            fixed = [.scalar(index)]
        } else if let headIndex = network.heads.firstIndex(where: { $0.name == target }) {
            let head = network.heads[headIndex]
            if head.isProfile {
                fixed = [.profile(head: headIndex)]
            } else if allowAll {
                fixed = head.outputs.indices.map { .scalar(head.offset + $0) }
            } else {
                throw PipelineError.usage("--target '\(target)' is a head of \(head.outputs.count) outputs: name one (\(head.outputs.joined(separator: ", ")))")
            }
        } else if let index = Int(target), outputs.indices.contains(index) {
            fixed = [.scalar(index)]
        } else {
            let profiles = network.profileHeads.map(\.name)
            throw PipelineError.usage("--target '\(target)' is not an output of the model (\(outputs.joined(separator: ", ")))\(profiles.isEmpty ? "" : ", a profile head (\(profiles.joined(separator: ", ")))"), an index below \(outputs.count)\(allowAll ? ", or all" : "")")
        }
    }

    /// The single explained target, or nil for the top logit per window (for jobs that explain one output).
    public var single: Target? { fixed?.first }

    /// The explained targets' names, for manifests.
    public func names(_ network: Network) -> [String] {
        fixed.map { $0.map(network.name(of:)) } ?? ["top logit per window"]
    }

    /// Each window's top-logit output.
    public static func topLogits(_ network: Network, _ batch: Tensor, compute: Compute) -> [Target] {
        let logits = network.logits(batch, compute: compute)
        let width = network.outputs.count
        return (0..<batch.shape[0]).map { i in
            .scalar((0..<width).max { logits.values[i * width + $0] < logits.values[i * width + $1] }!)
        }
    }

    /// Per-window targets for one fixed target (or the top logits when `target` is nil).
    public static func perWindow(_ target: Target?, _ network: Network, _ batch: Tensor, compute: Compute) -> [Target] {
        target.map { Array(repeating: $0, count: batch.shape[0]) } ?? topLogits(network, batch, compute: compute)
    }
}
