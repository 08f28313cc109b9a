extension Dense: TrainableLayer {
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        let n = input.shape[0], fin = spec.inFeatures, fout = spec.outFeatures
        var gx = Tensor(zeros: input.shape)
        var gw = Tensor(zeros: weight.shape)
        outputGradient.values.withUnsafeBufferPointer { gy in
            input.values.withUnsafeBufferPointer { x in
                weight.values.withUnsafeBufferPointer { w in
                    gw.values.withUnsafeMutableBufferPointer { gwp in
                        // dW = gYᵀ X
                        sgemm(transposeA: true, transposeB: false, m: fout, n: fin, k: n, a: gy.baseAddress!, lda: fout,
                              b: x.baseAddress!, ldb: fin, beta: 0, c: gwp.baseAddress!, ldc: fin)
                    }
                    gx.values.withUnsafeMutableBufferPointer { gxp in
                        // dX = gY W
                        sgemm(transposeA: false, transposeB: false, m: n, n: fin, k: fout, a: gy.baseAddress!, lda: fout,
                              b: w.baseAddress!, ldb: fin, beta: 0, c: gxp.baseAddress!, ldc: fin)
                    }
                }
            }
        }
        var grads = [gw]
        if bias != nil {
            var gb = Tensor(zeros: [fout])
            for item in 0..<n { for o in 0..<fout { gb.values[o] += outputGradient.values[item * fout + o] } }
            grads.append(gb)
        }
        return (gx, grads)
    }

    public func updated(parameters: [Tensor], cache: TrainingCache?, momentum: Float) -> TrainableLayer {
        Dense(spec: spec, weight: parameters[0], bias: bias == nil ? nil : parameters[1])
    }
}
