import CKernels

/// Stride-1 convolutions on general input (every conv after the first) run in `CKernels`' direct kernel rather than
/// as im2col + sgemm: the 16 items of a chunk are laid side by side in one set of padded rows, so the kernel reads
/// the input in place and OpenBLAS does not copy the im2col matrix into its own packed layout on every call (the two
/// copies and the bias pass were about a fifth of inference time). Positions whose window would span two items are
/// computed and dropped.
extension Conv1d {
    /// Whether the direct kernel applies: stride 1 and whole blocks of output channels.
    var runsDirect: Bool { spec.stride == 1 && spec.outChannels % Int(PLRP_CONV_OUT_BLOCK) == 0 }

    func forwardDirect(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let cout = spec.outChannels, lout = outputLength(for: length), left = padding.left
        let span = length + left + padding.right  // one item's padded input in a row
        let reach = (spec.kernelSize - 1) * spec.dilation
        var geometry = plrp_direct_conv(cin: cin, cout: cout, taps: spec.kernelSize, dilation: spec.dilation, columns: 0, row: 0)
        var packed = [Float](overwritten: weight.values.count)
        plrp_direct_conv_pack(&geometry, weight.values, &packed)
        let biasRow = bias?.values ?? [Float](repeating: 0, count: cout)
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
                                (r.baseAddress! + ci * row + i * span + left)
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
