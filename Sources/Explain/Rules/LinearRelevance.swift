import Model

/// Relevance through one conv or dense layer under a rule. Every rule is a sum of terms
/// `input' ⊙ W'ᵀ(R / st(z'))`, written out here one rule at a time as SPEC §5.1 and zennit define them.
struct LinearRelevance {
    let map: LinearMap
    let compute: Compute
    /// ε of the stabiliser for rules other than `epsilon` (zennit's `stabilizer`).
    let stabilizer: Float

    /// What one step gives: relevance at the layer input, and per item an upper bound on the relevance that biases
    /// and stabilisers can absorb (Σ |R/st(z)| · (|b| + ε) over the denominators used).
    struct Result {
        var relevance: Tensor
        var absorbable: [Float]
    }

    func relevance(_ rule: Rule, input x: Tensor, output r: Tensor) -> Result {
        let w = map.weight
        let b = map.bias
        let n = x.shape[0]
        var absorbable = [Float](repeating: 0, count: n)
        /// s = R / st(z) (optionally masked), accumulating the absorbable bound for bias `bias`.
        func ratio(_ z: Tensor, _ epsilon: Float, bias: [Float]?, scale: Float = 1, mask: Tensor? = nil) -> Tensor {
            var s = r
            let perItem = z.rowLength
            let channels = b?.count ?? 1
            let positions = max(perItem / max(channels, 1), 1)
            for i in 0..<z.count {
                var value = r.values[i] / stabilized(z.values[i], epsilon)
                if let mask, !(mask.values[i] != 0) { value = 0 }
                s.values[i] = value
                let channel = (i % perItem) / positions
                let biasValue = bias.map { abs($0[min(channel, $0.count - 1)]) } ?? 0
                absorbable[i / perItem] += scale * abs(value) * (biasValue + epsilon)
            }
            return s
        }
        func back(_ s: Tensor, _ weight: [Float]) -> Tensor { map.transposed(s, weight: weight, inputShape: x.shape, compute: compute) }
        func apply(_ input: Tensor, _ weight: [Float], _ bias: [Float]?) -> Tensor {
            map.apply(input, weight: weight, bias: bias, compute: compute)
        }

        let xPos = x.map { max($0, 0) }, xNeg = x.map { min($0, 0) }
        let wPos = w.map { max($0, 0) }, wNeg = w.map { min($0, 0) }
        let bPos = b?.map { max($0, 0) }, bNeg = b?.map { min($0, 0) }
        var result: Tensor
        switch rule {
        case .pass:
            result = r
        case .epsilon(let epsilon):
            let s = ratio(apply(x, w, b), epsilon, bias: b)
            result = x.multiplied(by: back(s, w))
        case .zPlus:
            let z = apply(xPos, wPos, bPos).adding(apply(xNeg, wNeg, nil))
            let s = ratio(z, stabilizer, bias: bPos)
            result = xPos.multiplied(by: back(s, wPos)).adding(xNeg.multiplied(by: back(s, wNeg)))
        case .alphaBeta(let alpha, let beta):
            let zp = apply(xPos, wPos, bPos).adding(apply(xNeg, wNeg, nil))
            let zn = apply(xPos, wNeg, bNeg).adding(apply(xNeg, wPos, nil))
            let sp = ratio(zp, stabilizer, bias: bPos, scale: alpha)
            let sn = ratio(zn, stabilizer, bias: bNeg, scale: beta)
            let positive = xPos.multiplied(by: back(sp, wPos)).adding(xNeg.multiplied(by: back(sp, wNeg)))
            let negative = xPos.multiplied(by: back(sn, wNeg)).adding(xNeg.multiplied(by: back(sn, wPos)))
            result = positive.scaled(alpha).adding(negative.scaled(-beta))
        case .gamma(let gamma):
            let wUp = zip(w, wPos).map { $0 + gamma * $1 }, wDown = zip(w, wNeg).map { $0 + gamma * $1 }
            let bUp = b.map { zip($0, bPos!).map { $0 + gamma * $1 } }, bDown = b.map { zip($0, bNeg!).map { $0 + gamma * $1 } }
            let z = apply(x, w, b)
            let zUp = apply(xPos, wUp, bUp).adding(apply(xNeg, wDown, nil))
            let zDown = apply(xPos, wDown, bDown).adding(apply(xNeg, wUp, nil))
            let sUp = ratio(zUp, stabilizer, bias: bUp, mask: z.map { $0 > 0 ? 1 : 0 })
            let sDown = ratio(zDown, stabilizer, bias: bDown, mask: z.map { $0 < 0 ? 1 : 0 })
            result = xPos.multiplied(by: back(sUp, wUp)).adding(xNeg.multiplied(by: back(sUp, wDown)))
                .adding(xPos.multiplied(by: back(sDown, wDown))).adding(xNeg.multiplied(by: back(sDown, wUp)))
        case .zBox(let low, let high):
            let lows = x.map { _ in low }, highs = x.map { _ in high }
            let z = apply(x, w, b).adding(apply(lows, wPos, bPos).scaled(-1)).adding(apply(highs, wNeg, bNeg).scaled(-1))
            let s = ratio(z, stabilizer, bias: nil)
            result = x.multiplied(by: back(s, w)).adding(lows.multiplied(by: back(s, wPos)).scaled(-1))
                .adding(highs.multiplied(by: back(s, wNeg)).scaled(-1))
        case .flat:
            let ones = w.map { _ in Float(1) }
            let s = ratio(apply(x.map { _ in 1 }, ones, nil), stabilizer, bias: nil)
            result = back(s, ones)
        case .wSquare:
            let squared = w.map { $0 * $0 }
            let bSquared = b?.map { $0 * $0 }
            let s = ratio(apply(x.map { _ in 1 }, squared, bSquared), stabilizer, bias: bSquared)
            result = back(s, squared)
        }
        return Result(relevance: result, absorbable: absorbable)
    }
}

extension Tensor {
    func map(_ f: (Float) -> Float) -> Tensor { Tensor(shape: shape, values: values.map(f)) }

    func adding(_ other: Tensor) -> Tensor {
        var out = self
        for i in 0..<count { out.values[i] += other.values[i] }
        return out
    }

    func multiplied(by other: Tensor) -> Tensor {
        var out = self
        for i in 0..<count { out.values[i] *= other.values[i] }
        return out
    }

    func scaled(_ factor: Float) -> Tensor {
        var out = self
        for i in 0..<count { out.values[i] *= factor }
        return out
    }
}
