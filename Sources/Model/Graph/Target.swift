import Foundation

/// What an explanation starts from: one scalar output (an index into `Network.outputs`) or a whole profile head.
public enum Target: Sendable, Hashable {
    case scalar(Int)
    /// A profile head, by index into `Network.heads`, explained through its weighted, mean-centred logits
    /// (see `ProfileScalar`).
    case profile(head: Int)
}

/// The scalar that stands for a profile head, as bpnet-lite's `ProfileWrapper` and chrombpnet define it:
/// y = Σ_j w_j (ℓ_j − mean ℓ) over every position and channel of one window, with w = softmax(ℓ) held constant.
public enum ProfileScalar {
    /// For one window's logits: each term w_j (ℓ_j − mean ℓ) (they sum to y) and y itself.
    public static func terms(_ logits: UnsafeBufferPointer<Float>) -> (terms: [Float], y: Float) {
        let count = logits.count
        guard count > 0 else { return ([], 0) }
        var top = -Float.infinity, total = 0.0
        for v in logits { top = max(top, v); total += Double(v) }
        let mean = Float(total / Double(count))
        var exps = [Double](repeating: 0, count: count), sum = 0.0
        for j in 0..<count {
            exps[j] = exp(Double(logits[j] - top))
            sum += exps[j]
        }
        var terms = [Float](repeating: 0, count: count), y = 0.0
        for j in 0..<count {
            let term = exps[j] / sum * Double(logits[j] - mean)
            terms[j] = Float(term)
            y += term
        }
        return (terms, Float(y))
    }

    /// ∂y/∂ℓ_j with w held constant: w_j − 1/M (the mean's share).
    public static func gradient(_ logits: UnsafeBufferPointer<Float>) -> [Float] {
        let count = logits.count
        guard count > 0 else { return [] }
        let top = logits.max()!
        var exps = logits.map { exp(Double($0 - top)) }
        let sum = exps.reduce(0, +)
        for j in 0..<count { exps[j] /= sum }
        return exps.map { Float($0 - 1 / Double(count)) }
    }
}

extension Network {
    /// The scalar head that holds output `index` of `outputs`.
    public func head(ofOutput index: Int) -> Head {
        heads.last { $0.offset <= index && !$0.isProfile }!
    }

    /// The head a target reads.
    public func head(of target: Target) -> Head {
        switch target {
        case .scalar(let index): head(ofOutput: index)
        case .profile(let index): heads[index]
        }
    }

    /// Relevance at the targets' heads (`[N] + head shape` per head slot: the target logit, or the weighted centred
    /// profile logits, which sum to y), and each window's target value (the logit, or y). `headValues` gives a head's
    /// outputs for the batch.
    public func start(_ targets: [Target], headValues: (Head) -> Tensor) -> (slots: [Int: Tensor], values: [Float]) {
        var slots: [Int: Tensor] = [:]
        var values = [Float](repeating: 0, count: targets.count)
        for (i, target) in targets.enumerated() {
            switch target {
            case .scalar(let index):
                let head = head(ofOutput: index)
                let width = head.shape[0], local = index - head.offset
                let logits = headValues(head)
                values[i] = logits.values[i * width + local]
                if slots[head.slot] == nil { slots[head.slot] = Tensor(zeros: logits.shape) }
                slots[head.slot]!.values[i * width + local] = values[i]
            case .profile(let headIndex):
                let head = heads[headIndex], logits = headValues(head), size = head.shape.reduce(1, *)
                let (terms, y) = logits.values.withUnsafeBufferPointer {
                    ProfileScalar.terms(UnsafeBufferPointer(rebasing: $0[(i * size)..<((i + 1) * size)]))
                }
                values[i] = y
                if slots[head.slot] == nil { slots[head.slot] = Tensor(zeros: logits.shape) }
                for j in 0..<size { slots[head.slot]!.values[i * size + j] = terms[j] }
            }
        }
        return (slots, values)
    }

    /// Conv and dense nodes that read the sequence through parameter-free nodes only (the "first" layers, whose
    /// rule may differ and whose input relevance is never pruned).
    public var firstLinearNodes: Set<Int> {
        var linearAbove = [Bool](repeating: false, count: shapes.count)
        var first = Set<Int>()
        for (index, node) in nodes.enumerated() {
            let reached = node.inputs.contains { linearAbove[$0] }
            let isLinear = node.layer is Conv1d || node.layer is Dense
            if isLinear && !reached { first.insert(index) }
            linearAbove[index + 1] = reached || isLinear
        }
        return first
    }
}

extension Network {
    /// Each item's target value: its logit, or a profile head's scalar y.
    public func targetValues(_ input: Tensor, targets: [Target], compute: Compute) -> [Float] {
        precondition(targets.count == input.shape[0], "one target per item")
        let width = outputs.count
        let wantsProfiles = targets.contains { if case .profile = $0 { true } else { false } }
        let (logits, profiles) = outputs(input, profiles: wantsProfiles, compute: compute)
        var profileLogits: [Int: Tensor] = [:]
        for (position, head) in (wantsProfiles ? profileHeads : []).enumerated() {
            profileLogits[heads.firstIndex { $0.slot == head.slot && $0.name == head.name }!] = profiles[position]
        }
        return targets.enumerated().map { i, target in
            switch target {
            case .scalar(let index):
                return logits.values[i * width + index]
            case .profile(let index):
                let size = heads[index].shape.reduce(1, *)
                return profileLogits[index]!.values.withUnsafeBufferPointer {
                    ProfileScalar.terms(UnsafeBufferPointer(rebasing: $0[(i * size)..<((i + 1) * size)])).y
                }
            }
        }
    }

    /// The target's name: its scalar output's, or its profile head's.
    public func name(of target: Target) -> String {
        switch target {
        case .scalar(let index): outputs[index]
        case .profile(let index): heads[index].name
        }
    }
}
