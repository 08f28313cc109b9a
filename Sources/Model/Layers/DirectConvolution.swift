import CKernels

/// Stride-1 convolutions on general input (every conv after the first), and their transposes in the relevance pass,
/// run in `CKernels`' direct kernel rather than as im2col/col2im + sgemm: the 16 items of a chunk are laid side by
/// side in one set of padded rows, so the kernel reads the input in place and OpenBLAS does not copy the im2col
/// matrix into its own packed layout on every call (the two copies and the bias pass were about a fifth of inference
/// time). Positions whose window would span two items are computed and dropped.
extension Conv1d {
    /// Whether the forward pass runs direct: stride 1 and whole blocks of output channels.
    var runsDirect: Bool { spec.stride == 1 && spec.outChannels % Int(PLRP_CONV_OUT_BLOCK) == 0 }

    func forwardDirect(_ input: Tensor, compute: Compute) -> Tensor {
        convolveDirect(input, weight: weight.values, bias: bias?.values, outChannels: spec.outChannels,
                       padding: padding, compute: compute)
    }

    /// The zeros around `s` that make Wᵀs a convolution with the kernel flipped: Wᵀs[ci][p] sums W[o][ci][j]·s[o][t]
    /// over t = p + left − j·dilation. Nil when the transpose does not run direct (other strides, channel counts that
    /// are not whole blocks, explicit padding wider than the kernel's reach).
    func transposedPadding(inputLength length: Int, outputLength lout: Int) -> (left: Int, right: Int)? {
        let reach = (spec.kernelSize - 1) * spec.dilation
        let left = reach - padding.left, right = length - lout + padding.left
        guard spec.stride == 1, spec.inChannels % Int(PLRP_CONV_OUT_BLOCK) == 0, left >= 0, right >= 0 else { return nil }
        return (left, right)
    }

    /// Wᵀs for stride 1: the convolution of `s` with W transposed to `[in, out, kernel]` and flipped along the kernel.
    func transposedDirect(_ s: Tensor, padding pads: (left: Int, right: Int), compute: Compute) -> Tensor {
        let (cin, cout, k) = (spec.inChannels, spec.outChannels, spec.kernelSize)
        var flipped = [Float](overwritten: weight.values.count)
        weight.values.withUnsafeBufferPointer { w in
            for o in 0..<cout {
                for ci in 0..<cin {
                    for j in 0..<k { flipped[(ci * cout + o) * k + (k - 1 - j)] = w[(o * cin + ci) * k + j] }
                }
            }
        }
        return convolveDirect(s, weight: flipped, bias: nil, outChannels: cin, padding: pads, compute: compute)
    }

    /// `[N, outChannels, L + left + right − reach]` from `[N, C, L]` with `weight` as `[outChannels, C, kernel]`.
    private func convolveDirect(_ input: Tensor, weight: [Float], bias: [Float]?, outChannels cout: Int,
                                padding pads: (left: Int, right: Int), compute: Compute) -> Tensor {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let reach = (spec.kernelSize - 1) * spec.dilation
        let span = length + pads.left + pads.right  // one item's padded input in a row
        let lout = span - reach
        var geometry = plrp_direct_conv(cin: cin, cout: cout, taps: spec.kernelSize, dilation: spec.dilation, columns: 0, row: 0)
        var packed = [Float](overwritten: weight.count)
        plrp_direct_conv_pack(&geometry, weight, &packed)
        let biasRow = bias ?? [Float](repeating: 0, count: cout)
        var output = Tensor(overwrittenShape: [n, cout, lout])
        guard n > 0 else { return output }
        output.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                    var g = geometry
                    g.columns = (items.count * span + Int(PLRP_LANES) - 1) / Int(PLRP_LANES) * Int(PLRP_LANES)
                    g.row = g.columns + reach
                    let row = g.row, columns = g.columns
                    var rows = [Float](repeating: 0, count: cin * row)
                    rows.withUnsafeMutableBufferPointer { r in
                        for (i, item) in items.enumerated() {
                            for ci in 0..<cin {
                                (r.baseAddress! + ci * row + i * span + pads.left)
                                    .update(from: x.baseAddress! + (item * cin + ci) * length, count: length)
                            }
                        }
                    }
                    var result = [Float](overwritten: cout * columns)
                    plrp_direct_conv_forward(&g, packed, biasRow, rows, &result)
                    result.withUnsafeBufferPointer { r in
                        for (i, item) in items.enumerated() {
                            for o in 0..<cout {
                                (out.base + (item * cout + o) * lout).update(from: r.baseAddress! + o * columns + i * span, count: lout)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
