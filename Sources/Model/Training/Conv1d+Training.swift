extension Conv1d: TrainableLayer {
    /// Items per gradient chunk: chunk partial sums are added in order, so this fixes the bits of a trained model
    /// (the shipped default model was trained with 8).
    static let trainingItemsPerChunk = 8

    public func trainingForward(_ input: Tensor, compute: Compute, random: inout SeededRandom) -> (Tensor, TrainingCache) {
        (forwardAsProduct(input, compute: compute), TrainingCache())
    }

    /// Per chunk of items laid side by side (as in the forward pass): dW += gY·colsᵀ and dcols = Wᵀ·gY as one sgemm
    /// each, db += Σₜ gY, and dcols scattered back by col2im. Chunk partial sums are added in chunk order, so gradients
    /// do not depend on the thread count.
    public func backward(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                         compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        gradients(input: input, output: output, outputGradient: outputGradient, withInput: true, compute: compute)
    }

    /// Skips Wᵀ·gY and col2im: for the first layer they were a tenth of a training step.
    public func parameterGradients(input: Tensor, output: Tensor, cache: TrainingCache, outputGradient: Tensor,
                                   compute: Compute) -> [Tensor] {
        gradients(input: input, output: output, outputGradient: outputGradient, withInput: false, compute: compute).parameters
    }

    private func gradients(input: Tensor, output: Tensor, outputGradient: Tensor, withInput: Bool,
                           compute: Compute) -> (input: Tensor, parameters: [Tensor]) {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let cout = spec.outChannels, k = spec.kernelSize, lout = output.shape[2], rows = cin * k
        let chunk = Self.trainingItemsPerChunk
        let chunks = (n + chunk - 1) / chunk
        // Without the input gradient, one unused item: the buffer still needs an address to share.
        var gx = withInput ? Tensor(zeros: input.shape) : Tensor(overwrittenShape: [1, cin, length])
        var partialW = [Float](repeating: 0, count: chunks * cout * rows)
        var partialB = [Float](repeating: 0, count: chunks * cout)
        gx.values.withSharedMutablePointer { gxp in
            partialW.withSharedMutablePointer { pw in
                partialB.withSharedMutablePointer { pb in
                    input.values.withUnsafeBufferPointer { x in
                        outputGradient.values.withUnsafeBufferPointer { gy in
                            weight.values.withUnsafeBufferPointer { w in
                                compute.forEachChunk(of: n, chunk: chunk) { items in
                                    let c = items.lowerBound / chunk
                                    let width = items.count * lout
                                    let columns = self.columns(x.baseAddress!, items: items, inputLength: length, outputLength: lout)
                                    let gradients = sideBySide(gy.baseAddress!, items: items, outputLength: lout)
                                    var gcols = [Float](repeating: 0, count: withInput ? rows * width : 0)
                                    gradients.withUnsafeBufferPointer { g in
                                        for j in 0..<items.count {
                                            Self.addRowSums(g.baseAddress! + j * lout, rows: cout, rowStride: width,
                                                            length: lout, to: pb.base + c * cout)
                                        }
                                    }
                                    columns.withUnsafeBufferPointer { cols in
                                        gradients.withUnsafeBufferPointer { g in
                                            sgemm(transposeA: false, transposeB: true, m: cout, n: rows, k: width,
                                                  a: g.baseAddress!, lda: width, b: cols.baseAddress!, ldb: width,
                                                  beta: 0, c: pw.base + c * cout * rows, ldc: rows)
                                            guard withInput else { return }
                                            gcols.withUnsafeMutableBufferPointer { gc in
                                                sgemm(transposeA: true, transposeB: false, m: rows, n: width, k: cout,
                                                      a: w.baseAddress!, lda: rows, b: g.baseAddress!, ldb: width,
                                                      beta: 0, c: gc.baseAddress!, ldc: width)
                                            }
                                        }
                                    }
                                    guard withInput else { return }
                                    gcols.withUnsafeBufferPointer { gc in
                                        for (j, item) in items.enumerated() {
                                            col2im(gc.baseAddress! + j * lout, rowStride: width, outputLength: lout,
                                                   inputLength: length, adding: gxp.base + item * cin * length)
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

    /// `sums[r] += Σₜ rows[r·rowStride + t]`, each sum taken left to right as a plain loop would (so trained models
    /// keep their bits), four rows at a time: four independent chains of additions instead of one waiting on itself
    /// (the one chain made the bias gradient a tenth of a training step).
    static func addRowSums(_ rows: UnsafePointer<Float>, rows count: Int, rowStride: Int, length: Int,
                           to sums: UnsafeMutablePointer<Float>) {
        var r = 0
        while r + 4 <= count {
            let a = rows + r * rowStride, b = a + rowStride, c = b + rowStride, d = c + rowStride
            var sa: Float = 0, sb: Float = 0, sc: Float = 0, sd: Float = 0
            for t in 0..<length {
                sa += a[t]
                sb += b[t]
                sc += c[t]
                sd += d[t]
            }
            sums[r] += sa
            sums[r + 1] += sb
            sums[r + 2] += sc
            sums[r + 3] += sd
            r += 4
        }
        while r < count {
            var sum: Float = 0
            for t in 0..<length { sum += rows[r * rowStride + t] }
            sums[r] += sum
            r += 1
        }
    }
}
