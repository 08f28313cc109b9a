extension Conv1d: TrainableLayer {
    /// Per item: dW += gY·colsᵀ, db += Σₜ gY, dcols = Wᵀ·gY scattered back by col2im. Items run in fixed chunks whose
    /// partial sums are added in chunk order, so gradients do not depend on the thread count.
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let cout = spec.outChannels, k = spec.kernelSize, lout = output.shape[2], rows = cin * k
        let chunk = 4
        let chunks = (n + chunk - 1) / chunk
        var gx = Tensor(zeros: input.shape)
        var partialW = [Float](repeating: 0, count: chunks * cout * rows)
        var partialB = [Float](repeating: 0, count: chunks * cout)
        let stride = spec.stride, dilation = spec.dilation, left = padding.left
        gx.values.withSharedMutablePointer { gxp in
            partialW.withSharedMutablePointer { pw in
                partialB.withSharedMutablePointer { pb in
                    input.values.withUnsafeBufferPointer { x in
                        outputGradient.values.withUnsafeBufferPointer { gy in
                            weight.values.withUnsafeBufferPointer { w in
                                compute.forEachChunk(of: n, chunk: chunk) { items in
                                    let c = items.lowerBound / chunk
                                    var columns = [Float](repeating: 0, count: rows * lout)
                                    var gcols = [Float](repeating: 0, count: rows * lout)
                                    for item in items {
                                        let g = gy.baseAddress! + item * cout * lout
                                        im2col(x.baseAddress! + item * cin * length, channels: cin, length: length,
                                               outputLength: lout, into: &columns)
                                        columns.withUnsafeBufferPointer { cols in
                                            sgemm(transposeA: false, transposeB: true, m: cout, n: rows, k: lout,
                                                  a: g, lda: lout, b: cols.baseAddress!, ldb: lout,
                                                  beta: 1, c: pw.base + c * cout * rows, ldc: rows)
                                        }
                                        for o in 0..<cout {
                                            var sum: Float = 0
                                            for t in 0..<lout { sum += g[o * lout + t] }
                                            pb.base[c * cout + o] += sum
                                        }
                                        gcols.withUnsafeMutableBufferPointer { gc in
                                            sgemm(transposeA: true, transposeB: false, m: rows, n: lout, k: cout,
                                                  a: w.baseAddress!, lda: rows, b: g, ldb: lout,
                                                  beta: 0, c: gc.baseAddress!, ldc: lout)
                                        }
                                        let target = gxp.base + item * cin * length
                                        for ci in 0..<cin {
                                            for j in 0..<k {
                                                let row = (ci * k + j) * lout
                                                let offset = j * dilation - left
                                                for t in 0..<lout {
                                                    let position = t * stride + offset
                                                    if position >= 0 && position < length {
                                                        target[ci * length + position] += gcols[row + t]
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var gw = Tensor(zeros: weight.shape)
        var gb = Tensor(zeros: [cout])
        for c in 0..<chunks {
            for i in 0..<(cout * rows) { gw.values[i] += partialW[c * cout * rows + i] }
            for o in 0..<cout { gb.values[o] += partialB[c * cout + o] }
        }
        return (gx, bias == nil ? [gw] : [gw, gb])
    }

    public func updated(parameters: [Tensor], cache: TrainingCache?, momentum: Float) -> TrainableLayer {
        Conv1d(spec: spec, weight: parameters[0], bias: bias == nil ? nil : parameters[1])
    }
}
