/// The adjoint (transpose) of the linear part of conv and dense layers: `Wᵀs` for an output-shaped `s`. Gradients
/// and every LRP rule (x ⊙ Wᵀ(R / z)) are built from it.
extension Conv1d {
    /// x ⊙ Wᵀs for the layer's input x: on the direct path the product is taken as the kernel's rows are copied out.
    public func transposed(_ s: Tensor, times x: Tensor, compute: Compute) -> Tensor {
        if let pads = transposedPadding(inputLength: x.shape[2], outputLength: s.shape[2]) {
            return transposedDirect(s, padding: pads, times: x, compute: compute)
        }
        return transposed(s, inputLength: x.shape[2], compute: compute).multiplied(by: x)
    }

    public func transposed(_ s: Tensor, inputLength length: Int, compute: Compute) -> Tensor {
        let n = s.shape[0], cin = spec.inChannels, cout = spec.outChannels, lout = s.shape[2]
        if let pads = transposedPadding(inputLength: length, outputLength: lout) {
            return transposedDirect(s, padding: pads, compute: compute)
        }
        let rows = cin * spec.kernelSize
        var result = Tensor(zeros: [n, cin, length])
        guard n > 0 else { return result }
        result.values.withSharedMutablePointer { out in
            s.values.withUnsafeBufferPointer { sp in
                weight.values.withUnsafeBufferPointer { w in
                    compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                        let width = items.count * lout
                        let gathered = sideBySide(sp.baseAddress!, items: items, outputLength: lout)
                        var columns = [Float](repeating: 0, count: rows * width)
                        gathered.withUnsafeBufferPointer { g in
                            columns.withUnsafeMutableBufferPointer { c in
                                sgemm(transposeA: true, transposeB: false, m: rows, n: width, k: cout,
                                      a: w.baseAddress!, lda: rows, b: g.baseAddress!, ldb: width,
                                      beta: 0, c: c.baseAddress!, ldc: width)
                            }
                        }
                        columns.withUnsafeBufferPointer { c in
                            for (j, item) in items.enumerated() {
                                col2im(c.baseAddress! + j * lout, rowStride: width, outputLength: lout, inputLength: length,
                                       adding: out.base + item * cin * length)
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The items' input columns side by side: `[Cin·K, items·Lout]`, item j in columns `j·Lout ..< (j+1)·Lout`.
    func columns(_ x: UnsafePointer<Float>, items: Range<Int>, inputLength length: Int, outputLength lout: Int) -> [Float] {
        let cin = spec.inChannels, width = items.count * lout
        var columns = [Float](overwritten: cin * spec.kernelSize * width)
        columns.withUnsafeMutableBufferPointer { cols in
            for (j, item) in items.enumerated() {
                im2col(x + item * cin * length, channels: cin, length: length, outputLength: lout,
                       into: cols.baseAddress! + j * lout, rowStride: width)
            }
        }
        return columns
    }

    /// Output-shaped values `[N, Cout, Lout]` of some items laid side by side as `[Cout, items·Lout]`, the layout the
    /// chunk's sgemm works in.
    func sideBySide(_ s: UnsafePointer<Float>, items: Range<Int>, outputLength lout: Int) -> [Float] {
        let cout = spec.outChannels, width = items.count * lout
        var gathered = [Float](overwritten: cout * width)
        gathered.withUnsafeMutableBufferPointer { g in
            for (j, item) in items.enumerated() {
                for o in 0..<cout {
                    (g.baseAddress! + o * width + j * lout).update(from: s + (item * cout + o) * lout, count: lout)
                }
            }
        }
        return gathered
    }

    /// Adds column row `ci·K + j`, step t back onto input position `t·stride + j·dilation − padLeft` (the inverse
    /// lay-out of im2col, summing overlaps).
    func col2im(_ columns: UnsafePointer<Float>, rowStride: Int, outputLength lout: Int, inputLength length: Int,
                adding target: UnsafeMutablePointer<Float>) {
        let k = spec.kernelSize, stride = spec.stride, dilation = spec.dilation, left = padding.left
        for ci in 0..<spec.inChannels {
            for j in 0..<k {
                let row = columns + (ci * k + j) * rowStride
                let offset = j * dilation - left
                let low = offset >= 0 ? 0 : min(lout, (-offset + stride - 1) / stride)
                let high = max(low, min(lout, length - offset <= 0 ? 0 : (length - offset + stride - 1) / stride))
                let destination = target + ci * length + offset
                if stride == 1 {
                    // Contiguous: eight at a time through SIMD (the pointer loop is not vectorised by itself).
                    var t = low
                    while t + 8 <= high {
                        let sum = UnsafeRawPointer(destination + t).loadUnaligned(as: SIMD8<Float>.self)
                            + UnsafeRawPointer(row + t).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(destination + t).storeBytes(of: sum, as: SIMD8<Float>.self)
                        t += 8
                    }
                    while t < high {
                        destination[t] += row[t]
                        t += 1
                    }
                } else {
                    for t in low..<high { destination[t * stride] += row[t] }
                }
            }
        }
    }
}

extension Dense {
    public func transposed(_ s: Tensor, compute: Compute) -> Tensor {
        let n = s.shape[0], fin = spec.inFeatures, fout = spec.outFeatures
        var result = Tensor(zeros: [n, fin])
        guard n > 0 else { return result }
        result.values.withUnsafeMutableBufferPointer { r in
            s.values.withUnsafeBufferPointer { sp in
                weight.values.withUnsafeBufferPointer { w in
                    sgemm(transposeA: false, transposeB: false, m: n, n: fin, k: fout, a: sp.baseAddress!, lda: fout,
                          b: w.baseAddress!, ldb: fin, beta: 0, c: r.baseAddress!, ldc: fin)
                }
            }
        }
        return result
    }
}
