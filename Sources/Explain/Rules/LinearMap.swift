import Model

/// A conv or dense layer seen as the affine map z = Wx + b, with the weights, bias and input replaceable, as the
/// rules need (W⁺, W⁻, W², 1, x⁺, …). Works on batches `[N, …]`.
struct LinearMap {
    enum Kind {
        case conv(Conv1d)
        case dense(Dense)
    }

    let kind: Kind
    let weight: [Float]
    let bias: [Float]?

    init?(_ layer: Layer) {
        if let conv = layer as? Conv1d {
            kind = .conv(conv)
            weight = conv.weight.values
            bias = conv.bias?.values
        } else if let dense = layer as? Dense {
            kind = .dense(dense)
            weight = dense.weight.values
            bias = dense.bias?.values
        } else {
            return nil
        }
    }

    var weightShape: [Int] {
        switch kind {
        case .conv(let c): c.weight.shape
        case .dense(let d): d.weight.shape
        }
    }

    /// z = W'x + b' with modified weights and bias (nil: no bias).
    func apply(_ x: Tensor, weight w: [Float], bias b: [Float]?, compute: Compute) -> Tensor {
        let weightTensor = Tensor(shape: weightShape, values: w)
        let biasTensor = b.map { Tensor(shape: [$0.count], values: $0) }
        switch kind {
        case .conv(let c): return Conv1d(spec: c.spec, weight: weightTensor, bias: biasTensor).forward(x, compute: compute)
        case .dense(let d): return Dense(spec: d.spec, weight: weightTensor, bias: biasTensor).forward(x, compute: compute)
        }
    }

    /// W'ᵀs, shaped like the layer's input.
    func transposed(_ s: Tensor, weight w: [Float], inputShape: [Int], compute: Compute) -> Tensor {
        let weightTensor = Tensor(shape: weightShape, values: w)
        switch kind {
        case .conv(let c):
            return Conv1d(spec: c.spec, weight: weightTensor, bias: nil).transposed(s, inputLength: inputShape[2], compute: compute)
        case .dense(let d):
            return Dense(spec: d.spec, weight: weightTensor, bias: nil).transposed(s, compute: compute)
        }
    }

    /// The columns of the input when it is one-hot DNA into a conv (so `inputTimesTransposed` can skip absent bases).
    func oneHotCodes(_ x: Tensor) -> OneHotCodes? {
        guard case .conv(let c) = kind, c.spec.inChannels == 4 else { return nil }
        return OneHotCodes(x)
    }

    /// x ⊙ W'ᵀs; with the input's one-hot codes, only the present base of each position is computed.
    func inputTimesTransposed(_ s: Tensor, weight w: [Float], input x: Tensor, codes: OneHotCodes?, compute: Compute) -> Tensor {
        if let codes, case .conv(let c) = kind {
            return c.transposedTimesOneHot(s, weight: w, input: codes, compute: compute)
        }
        if case .conv(let c) = kind {
            return Conv1d(spec: c.spec, weight: Tensor(shape: weightShape, values: w), bias: nil).transposed(s, times: x, compute: compute)
        }
        return transposed(s, weight: w, inputShape: x.shape, compute: compute).multiplied(by: x)
    }
}
