import Model

/// Relevance through nodes that read several inputs.
enum JoinRelevance {
    /// `add`: zennit's `Sum` under the `Norm` rule, each input getting R ⊙ x_i / st(Σ x); `concat`: each input gets
    /// its channels' relevance.
    static func through(_ layer: JoinLayer, inputs: [Tensor], output z: Tensor, relevance r: Tensor, stabilizer: Float,
                        absorbable: inout [Float]) -> [Tensor] {
        guard layer.spec.kind == .add else { return layer.backward(inputs: inputs, outputGradient: r) }
        var s = Tensor(overwrittenShape: r.shape)
        let row = r.rowLength
        for item in 0..<r.shape[0] {
            var absorbed: Float = 0
            for j in (item * row)..<((item + 1) * row) {
                s.values[j] = r.values[j] / stabilized(z.values[j], stabilizer)
                absorbed += abs(s.values[j])
            }
            absorbable[item] += absorbed * stabilizer
        }
        return inputs.map { $0.multiplied(by: s) }
    }
}
