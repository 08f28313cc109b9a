import Foundation

/// The training loss for a model's output activation: binary cross-entropy per task on logits (sigmoid or none),
/// or softmax cross-entropy over the outputs (softmax; the label row's largest entry is the class).
public enum Loss {
    /// Mean loss over the batch (and tasks), and its gradient with respect to the logits.
    public static func evaluate(logits: Tensor, labels: [Float], activation: OutputActivation) -> (loss: Double, gradient: Tensor) {
        let n = logits.shape[0], width = logits.shape[1]
        var gradient = Tensor(zeros: logits.shape)
        var total = 0.0
        switch activation {
        case .sigmoid, .none:
            let scale = 1 / Float(n * width)
            for i in 0..<(n * width) {
                let z = logits.values[i], y = labels[i]
                total += Double(max(z, 0) - z * y + log1pf(expf(-abs(z))))
                gradient.values[i] = (1 / (1 + expf(-z)) - y) * scale
            }
            return (total / Double(n * width), gradient)
        case .softmax:
            for row in 0..<n {
                let z = Array(logits.values[(row * width)..<((row + 1) * width)])
                let y = Array(labels[(row * width)..<((row + 1) * width)])
                let target = y.indices.max { y[$0] < y[$1] }!
                let top = z.max()!
                let exps = z.map { expf($0 - top) }
                let sum = exps.reduce(0, +)
                total += Double(log(sum) + top - z[target])
                for j in 0..<width {
                    gradient.values[row * width + j] = (exps[j] / sum - (j == target ? 1 : 0)) / Float(n)
                }
            }
            return (total / Double(n), gradient)
        }
    }
}
