import CKernels

/// A convolution over one-hot DNA needs no multiplications: each input column holds a single 1 (or nothing), so an
/// output column is the bias plus one weight column per tap, looked up by the base under the tap. The first layer of
/// every model, and its relevance step, run this way whenever the input is exactly one-hot (fractional IUPAC columns
/// fall back to im2col + sgemm).
public struct OneHotCodes: Sendable {
    /// Per item and position: 0–3 for the base whose channel holds 1 (the other three 0), 4 for an all-zero column.
    public let codes: [UInt8]
    public let length: Int

    /// The code of every column of `[N, 4, L]` input, or nil when some column is neither one-hot nor all zero.
    public init?(_ x: Tensor) {
        guard x.shape.count == 3, x.shape[1] == 4 else { return nil }
        let n = x.shape[0], length = x.shape[2]
        var codes = [UInt8](repeating: 4, count: n * length)
        let valid = x.values.withUnsafeBufferPointer { v in
            codes.withUnsafeMutableBufferPointer { c in
                for item in 0..<n {
                    let row = v.baseAddress! + item * 4 * length, out = c.baseAddress! + item * length
                    for i in 0..<length {
                        let a = row[i], cc = row[length + i], g = row[2 * length + i], t = row[3 * length + i]
                        let ones = (a == 1 ? 1 : 0) + (cc == 1 ? 1 : 0) + (g == 1 ? 1 : 0) + (t == 1 ? 1 : 0)
                        let zeros = (a == 0 ? 1 : 0) + (cc == 0 ? 1 : 0) + (g == 0 ? 1 : 0) + (t == 0 ? 1 : 0)
                        if zeros == 4 { continue }
                        guard ones == 1, zeros == 3 else { return false }
                        out[i] = a == 1 ? 0 : cc == 1 ? 1 : g == 1 ? 2 : 3
                    }
                }
                return true
            }
        }
        guard valid else { return nil }
        self.codes = codes
        self.length = length
    }
}

extension Conv1d {
    private var oneHotGeometry: (blocks: Int, pad: Int) {
        let blocks = (spec.outChannels + Int(PLRP_LANES) - 1) / Int(PLRP_LANES)
        return (blocks, blocks * Int(PLRP_LANES))
    }

    private func geometry(length: Int, outputLength lout: Int) -> plrp_onehot_conv {
        plrp_onehot_conv(length: length, lout: lout, cout: spec.outChannels, blocks: oneHotGeometry.blocks,
                         taps: spec.kernelSize, stride: spec.stride, dilation: spec.dilation, left: padding.left)
    }

    /// Calls `body(item, scratch)` for items 0..<n in parallel chunks, with working memory for either kernel per chunk.
    private func forEachItem(of n: Int, _ g: UnsafePointer<plrp_onehot_conv>, compute: Compute,
                             _ body: (Int, UnsafeMutableRawPointer) -> Void) {
        compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: plrp_onehot_conv_scratch_bytes(g), alignment: 64)
            defer { scratch.deallocate() }
            for item in items { body(item, scratch) }
        }
    }

    /// The weight column W[:, code, j] of every (tap j, code) at `(j·5 + code)·pad`, zero for code 4 and for padding
    /// channels (the layout `CKernels` reads).
    private func tapTable(_ weight: [Float]) -> [Float] {
        let (cout, k, pad) = (spec.outChannels, spec.kernelSize, oneHotGeometry.pad)
        var table = [Float](repeating: 0, count: k * 5 * pad)
        for o in 0..<cout {
            for c in 0..<4 {
                for j in 0..<k { table[(j * 5 + c) * pad + o] = weight[(o * 4 + c) * k + j] }
            }
        }
        return table
    }

    /// The forward pass on one-hot input: `[N, Cout, Lout]` from the input's codes.
    func forward(oneHot input: OneHotCodes, count n: Int, compute: Compute) -> Tensor {
        let cout = spec.outChannels, length = input.length, lout = outputLength(for: length)
        let g = geometry(length: length, outputLength: lout)
        let table = tapTable(weight.values)
        var biasRow = [Float](repeating: 0, count: oneHotGeometry.pad)
        for o in 0..<cout { biasRow[o] = bias?.values[o] ?? 0 }
        var output = Tensor(overwrittenShape: [n, cout, lout])
        output.values.withSharedMutablePointer { out in
          withUnsafePointer(to: g) { g in
            table.withUnsafeBufferPointer { tb in
                biasRow.withUnsafeBufferPointer { bb in
                    input.codes.withUnsafeBufferPointer { cb in
                        forEachItem(of: n, g, compute: compute) { item, scratch in
                            plrp_onehot_conv_forward(g, cb.baseAddress! + item * length, tb.baseAddress!,
                                                     bb.baseAddress!, scratch, out.base + item * cout * lout)
                        }
                    }
                }
            }
          }
        }
        return output
    }

    /// `x ⊙ W'ᵀs` on one-hot input `x`: only the channel of the base present at each position can be non-zero, and
    /// there `x` is 1, so each position needs one weight column per tap (for weights `w`, shaped like the layer's).
    public func transposedTimesOneHot(_ s: Tensor, weight w: [Float], input: OneHotCodes, compute: Compute) -> Tensor {
        let n = s.shape[0], cout = spec.outChannels, lout = s.shape[2], length = input.length
        let g = geometry(length: length, outputLength: lout)
        let table = tapTable(w)
        var result = Tensor(zeros: [n, 4, length])
        result.values.withSharedMutablePointer { out in
          withUnsafePointer(to: g) { g in
            s.values.withUnsafeBufferPointer { sp in
                table.withUnsafeBufferPointer { tb in
                    input.codes.withUnsafeBufferPointer { cb in
                        forEachItem(of: n, g, compute: compute) { item, scratch in
                            plrp_onehot_conv_input_times_transposed(
                                g, cb.baseAddress! + item * length, tb.baseAddress!,
                                sp.baseAddress! + item * cout * lout, scratch, out.base + item * 4 * length)
                        }
                    }
                }
            }
          }
        }
        return result
    }
}
