import Model

/// Relevance through one conv or dense layer under a rule. Every rule is a sum of terms
/// `input' ⊙ W'ᵀ(R / st(z'))`, written out here one rule at a time as docs/method.md and zennit define them.
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
        /// With `hypothetical`: what each input channel would receive if its value were 1 and the others 0, the
        /// upper relevance held fixed (the rule's term per channel before the input multiplies it).
        var hypothetical: Tensor? = nil
    }

    /// - Parameter positiveOutput: W⁺x + b⁺ when the caller already has it (see `LRP`), for zplus on inputs with no
    ///   negative values.
    func relevance(_ rule: Rule, input x: Tensor, output r: Tensor, positiveOutput: Tensor? = nil,
                   hypothetical wantsHypothetical: Bool = false) -> Result {
        let w = map.weight
        let b = map.bias
        let n = x.shape[0]
        var absorbable = [Float](repeating: 0, count: n)
        /// s = R / st(z) (optionally masked), accumulating the absorbable bound for bias `bias`.
        func ratio(_ z: Tensor, _ epsilon: Float, bias: [Float]?, scale: Float = 1, mask: Tensor? = nil) -> Tensor {
            var s = Tensor(overwrittenShape: r.shape)
            let perItem = z.rowLength
            // Conv outputs are [C, L] per item and dense outputs [F]: one bias (and bound weight) per channel.
            let channels = bias?.count ?? 1
            let positions = max(perItem / channels, 1)
            s.values.withUnsafeMutableBufferPointer { sb in
              r.values.withUnsafeBufferPointer { rb in
                z.values.withUnsafeBufferPointer { zb in
                    let masked = mask?.values
                    for item in 0..<(z.count / max(perItem, 1)) {
                        var absorbed: Float = 0
                        for c in 0..<channels {
                            let base = item * perItem + c * positions
                            let q = sb.baseAddress! + base, zz = zb.baseAddress! + base, rr = rb.baseAddress! + base
                            VectorLoops.divideStabilized(rr, zz, epsilon, into: q, count: positions)
                            if let masked { for p in 0..<positions where masked[base + p] == 0 { q[p] = 0 } }
                            // Four partial sums: one running sum would wait on each addition in turn.
                            var part = SIMD4<Float>.zero, p = 0
                            while p + 4 <= positions {
                                part += SIMD4(abs(q[p]), abs(q[p + 1]), abs(q[p + 2]), abs(q[p + 3]))
                                p += 4
                            }
                            var total = part.sum()
                            while p < positions { total += abs(q[p]); p += 1 }
                            absorbed += total * ((bias.map { abs($0[c]) } ?? 0) + epsilon)
                        }
                        absorbable[item] += scale * absorbed
                    }
                }
              }
            }
            return s
        }
        func back(_ s: Tensor, _ weight: [Float]) -> Tensor { map.transposed(s, weight: weight, inputShape: x.shape, compute: compute) }
        let codes = map.oneHotCodes(x)
        /// input ⊙ W'ᵀs (`input` is x or x⁺, which are equal whenever x is one-hot).
        func backTimes(_ s: Tensor, _ weight: [Float], _ input: Tensor) -> Tensor {
            map.inputTimesTransposed(s, weight: weight, input: input, codes: codes, compute: compute)
        }
        func apply(_ input: Tensor, _ weight: [Float], _ bias: [Float]?) -> Tensor {
            map.apply(input, weight: weight, bias: bias, compute: compute)
        }

        // After ReLU and on one-hot input there are no negative inputs: x⁺ = x and every x⁻ term is exactly zero.
        let hasNegative = VectorLoops.hasNegative(x.values)
        let xPos = hasNegative ? x.map { max($0, 0) } : x
        let xNeg = hasNegative ? x.map { min($0, 0) } : x
        func applyNegative(_ weight: [Float]) -> Tensor? { hasNegative ? apply(xNeg, weight, nil) : nil }
        func backNegative(_ s: Tensor, _ weight: [Float]) -> Tensor? { hasNegative ? back(s, weight).multiplied(by: xNeg) : nil }
        let wPos = w.map { max($0, 0) }, wNeg = w.map { min($0, 0) }
        let bPos = b?.map { max($0, 0) }, bNeg = b?.map { min($0, 0) }
        var result: Tensor
        var hypothetical: Tensor? = nil
        switch rule {
        case .pass:
            result = r
        case .epsilon(let epsilon):
            let s = ratio(apply(x, w, b), epsilon, bias: b)
            result = backTimes(s, w, x)
            if wantsHypothetical { hypothetical = back(s, w) }
        case .zPlus:
            let z = (hasNegative ? nil : positiveOutput) ?? apply(xPos, wPos, bPos).adding(applyNegative(wNeg))
            let s = ratio(z, stabilizer, bias: bPos)
            result = backTimes(s, wPos, xPos).adding(backNegative(s, wNeg))
            if wantsHypothetical { hypothetical = back(s, wPos) }
        case .alphaBeta(let alpha, let beta):
            let zp = apply(xPos, wPos, bPos).adding(applyNegative(wNeg))
            let zn = apply(xPos, wNeg, bNeg).adding(applyNegative(wPos))
            let sp = ratio(zp, stabilizer, bias: bPos, scale: alpha)
            let sn = ratio(zn, stabilizer, bias: bNeg, scale: beta)
            let positive = backTimes(sp, wPos, xPos).adding(backNegative(sp, wNeg))
            let negative = backTimes(sn, wNeg, xPos).adding(backNegative(sn, wPos))
            result = positive.scaled(alpha).adding(negative.scaled(-beta))
            if wantsHypothetical { hypothetical = back(sp, wPos).scaled(alpha).adding(back(sn, wNeg).scaled(-beta)) }
        case .gamma(let gamma):
            let wUp = zip(w, wPos).map { $0 + gamma * $1 }, wDown = zip(w, wNeg).map { $0 + gamma * $1 }
            let bUp = b.map { zip($0, bPos!).map { $0 + gamma * $1 } }, bDown = b.map { zip($0, bNeg!).map { $0 + gamma * $1 } }
            let z = apply(x, w, b)
            let zUp = apply(xPos, wUp, bUp).adding(applyNegative(wDown))
            let zDown = apply(xPos, wDown, bDown).adding(applyNegative(wUp))
            let sUp = ratio(zUp, stabilizer, bias: bUp, mask: z.map { $0 > 0 ? 1 : 0 })
            let sDown = ratio(zDown, stabilizer, bias: bDown, mask: z.map { $0 < 0 ? 1 : 0 })
            result = backTimes(sUp, wUp, xPos).adding(backNegative(sUp, wDown))
                .adding(backTimes(sDown, wDown, xPos)).adding(backNegative(sDown, wUp))
            if wantsHypothetical { hypothetical = back(sUp, wUp).adding(back(sDown, wDown)) }
        case .zBox(let low, let high):
            let lows = x.map { _ in low }, highs = x.map { _ in high }
            let z = apply(x, w, b).adding(apply(lows, wPos, bPos).scaled(-1)).adding(apply(highs, wNeg, bNeg).scaled(-1))
            let s = ratio(z, stabilizer, bias: nil)
            result = backTimes(s, w, x).adding(lows.multiplied(by: back(s, wPos)).scaled(-1))
                .adding(highs.multiplied(by: back(s, wNeg)).scaled(-1))
            if wantsHypothetical {
                hypothetical = back(s, w).adding(lows.multiplied(by: back(s, wPos)).scaled(-1))
                    .adding(highs.multiplied(by: back(s, wNeg)).scaled(-1))
            }
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
        // flat and wsquare do not depend on the input, and pass leaves it as it is.
        if wantsHypothetical && hypothetical == nil { hypothetical = result }
        return Result(relevance: result, absorbable: absorbable, hypothetical: hypothetical)
    }
}
