import CKernels

/// Stride-1 convolutions on general input (every conv after the first), and their transposes in the relevance pass,
/// run in `CKernels`' direct kernel rather than as im2col/col2im + sgemm: a chunk's items are laid side by side in
/// padded rows, so the kernel reads the input in place and OpenBLAS does not copy the im2col matrix into its own
/// packed layout on every call (the two copies and the bias pass were about a fifth of inference time). The kernel's
/// output rows are copied out item by item, and what follows the conv can be done in that copy: a ReLU, a residual
/// add, the split of two stacked layers, the product with the input after a transpose.
extension Conv1d {
    /// Whether the forward pass runs direct: stride 1 and whole blocks of output channels.
    var runsDirect: Bool { spec.stride == 1 && spec.outChannels % Int(PLRP_CONV_OUT_BLOCK) == 0 }

    /// Whether it runs in the direct kernel for fewer output channels than a block (a profile head's conv): im2col
    /// would lay out Cin·K rows per position for an sgemm only a few rows tall.
    var runsDirectSmall: Bool { spec.stride == 1 && spec.outChannels < Int(PLRP_CONV_OUT_BLOCK) }

    func forwardDirect(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, cout, lout) = (input.shape[0], spec.outChannels, outputLength(for: input.shape[2]))
        var output = Tensor(overwrittenShape: [n, cout, lout])
        output.values.withSharedMutablePointer { out in
            convolveDirect(input, weight: weight.values, bias: bias?.values, outChannels: cout, padding: padding,
                           compute: compute) { item, rows, stride in
                Self.copyRows(rows, stride: stride, count: cout, length: lout, to: out.base + item * cout * lout)
            }
        }
        return output
    }

    /// Whether `forwardResidual` and `forwardStacked` can run: the direct kernel, on input of other than 4 channels
    /// (which may be one-hot DNA, for `forward`'s table look-ups; telling would cost a pass over the input).
    func runsDirect(on input: Tensor) -> Bool { (runsDirect || runsDirectSmall) && input.shape[1] != 4 }

    /// x + ReLU(conv(x)) in one pass over the kernel's rows (a residual block: conv, ReLU, add), equal to the three
    /// nodes run in turn. Nil unless the conv runs direct and keeps the input's shape.
    public func forwardResidual(_ x: Tensor, compute: Compute) -> Tensor? {
        let (n, cout, length) = (x.shape[0], spec.outChannels, x.shape[2])
        guard x.shape[1] == cout, outputLength(for: length) == length, runsDirect(on: x) else { return nil }
        var output = Tensor(overwrittenShape: x.shape)
        output.values.withSharedMutablePointer { out in
            x.values.withUnsafeBufferPointer { xb in
                convolveDirect(x, weight: weight.values, bias: bias?.values, outChannels: cout, padding: padding,
                               compute: compute) { item, rows, stride in
                    for o in 0..<cout {
                        let z = rows + o * stride, offset = (item * cout + o) * length
                        let residual = xb.baseAddress! + offset, y = out.base + offset
                        for t in 0..<length { y[t] = residual[t] + max(z[t], 0) }
                    }
                }
            }
        }
        return output
    }

    /// The forward pass of a conv whose output channels are two layers stacked (`LRP`'s [W; W⁺]), as two tensors of
    /// half the channels each, written straight from the kernel's rows: the first half through ReLU when
    /// `activate`, and with `residual` also x + that first half (a residual block's add). Nil unless the conv runs
    /// direct (and, for `residual`, each half keeps the input's shape).
    public func forwardStacked(_ x: Tensor, activate: Bool, residual: Bool, compute: Compute)
        -> (first: Tensor, second: Tensor, sum: Tensor?)? {
        let (n, half, length) = (x.shape[0], spec.outChannels / 2, x.shape[2])
        let lout = outputLength(for: length)
        guard spec.outChannels % 2 == 0, runsDirect(on: x), !residual || (x.shape[1] == half && lout == length) else { return nil }
        var first = Tensor(overwrittenShape: [n, half, lout]), second = Tensor(overwrittenShape: [n, half, lout])
        // Without `residual`, one unused value: the buffer still needs an address to share.
        var sum = Tensor(overwrittenShape: residual ? [n, half, lout] : [1])
        first.values.withSharedMutablePointer { a in
            second.values.withSharedMutablePointer { b in
                sum.values.withSharedMutablePointer { c in
                    x.values.withUnsafeBufferPointer { xb in
                        convolveDirect(x, weight: weight.values, bias: bias?.values, outChannels: spec.outChannels,
                                       padding: padding, compute: compute) { item, rows, stride in
                            let base = item * half * lout
                            Self.copyRows(rows + half * stride, stride: stride, count: half, length: lout, to: b.base + base)
                            guard activate || residual else {
                                Self.copyRows(rows, stride: stride, count: half, length: lout, to: a.base + base)
                                return
                            }
                            for o in 0..<half {
                                let z = rows + o * stride, y = a.base + base + o * lout
                                if activate {
                                    for t in 0..<lout { y[t] = max(z[t], 0) }
                                } else {
                                    y.update(from: z, count: lout)
                                }
                                guard residual else { continue }
                                let r = xb.baseAddress! + base + o * lout, total = c.base + base + o * lout
                                for t in 0..<lout { total[t] = r[t] + y[t] }
                            }
                        }
                    }
                }
            }
        }
        return (first, second, residual ? sum : nil)
    }

    /// `count` rows of `length` values from rows `stride` apart to consecutive rows.
    @inline(__always)
    static func copyRows(_ rows: UnsafePointer<Float>, stride: Int, count: Int, length: Int, to target: UnsafeMutablePointer<Float>) {
        for o in 0..<count { (target + o * length).update(from: rows + o * stride, count: length) }
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
    /// With `input`, x ⊙ Wᵀs (the product taken as the kernel's rows are copied out).
    func transposedDirect(_ s: Tensor, padding pads: (left: Int, right: Int), times input: Tensor? = nil,
                          compute: Compute) -> Tensor {
        let (cin, cout, k) = (spec.inChannels, spec.outChannels, spec.kernelSize)
        var flipped = [Float](overwritten: weight.values.count)
        weight.values.withUnsafeBufferPointer { w in
            for o in 0..<cout {
                for ci in 0..<cin {
                    for j in 0..<k { flipped[(ci * cout + o) * k + (k - 1 - j)] = w[(o * cin + ci) * k + j] }
                }
            }
        }
        let (n, length) = (s.shape[0], s.shape[2] + pads.left + pads.right - (k - 1) * spec.dilation)
        var output = Tensor(overwrittenShape: [n, cin, length])
        // Without `input`, one unused value: the buffer still needs an address to share.
        let factors = input?.values ?? [0]
        output.values.withSharedMutablePointer { out in
            factors.withUnsafeBufferPointer { xb in
                convolveDirect(s, weight: flipped, bias: nil, outChannels: cin, padding: pads, compute: compute) { item, rows, stride in
                    let target = out.base + item * cin * length
                    guard input != nil else {
                        Self.copyRows(rows, stride: stride, count: cin, length: length, to: target)
                        return
                    }
                    for ci in 0..<cin {
                        let r = rows + ci * stride, y = target + ci * length, x = xb.baseAddress! + item * cin * length + ci * length
                        for t in 0..<length { y[t] = r[t] * x[t] }
                    }
                }
            }
        }
        return output
    }

    /// The convolution `[N, outChannels, L + left + right − reach]` of `[N, C, L]` with `weight` as
    /// `[outChannels, C, kernel]`: each item's output rows go to `deliver(item, rows, stride)` (row o at
    /// `rows + o·stride`), which copies them where they belong, on the worker that computed them.
    ///
    /// A chunk's items are laid side by side in padded rows, as many per kernel call as fill about `callColumns`
    /// positions: short items share one call (the kernel's rows are long enough to keep it busy), long ones go one
    /// by one, so that no positions are computed across items' padding and the call's rows stay in L2. The kernel
    /// sums every output in the same order however items are grouped, so the grouping does not change results.
    func convolveDirect(_ input: Tensor, weight: [Float], bias: [Float]?, outChannels cout: Int,
                        padding pads: (left: Int, right: Int), compute: Compute,
                        deliver: (Int, UnsafePointer<Float>, Int) -> Void) {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        guard n > 0 else { return }
        let reach = (spec.kernelSize - 1) * spec.dilation
        let span = length + pads.left + pads.right  // one item's padded input in a row
        let lanes = Int(PLRP_LANES)
        var geometry = plrp_direct_conv(cin: cin, cout: cout, taps: spec.kernelSize, dilation: spec.dilation, columns: 0, row: 0)
        let block = Int(PLRP_CONV_OUT_BLOCK), small = cout < block
        // The small kernel reads one whole block of lanes, the unused ones zero.
        var packed = small ? [Float](repeating: 0, count: block * cin * spec.kernelSize) : [Float](overwritten: weight.count)
        plrp_direct_conv_pack(&geometry, weight, &packed)
        let biasRow = bias ?? [Float](repeating: 0, count: cout)
        let group = max(1, min(Self.itemsPerChunk, Self.callColumns / span))
        input.values.withUnsafeBufferPointer { x in
            compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                let perCall = min(group, items.count)
                let widest = (perCall * span + lanes - 1) / lanes * lanes
                let row = widest + reach
                // Padding stays zero: every call places its items at the same offsets. Past a short last call's
                // items the rows may hold earlier items' values, which only dropped positions read.
                var rows = [Float](repeating: 0, count: cin * row)
                var result = [Float](overwritten: cout * widest)
                rows.withUnsafeMutableBufferPointer { r in
                    result.withUnsafeMutableBufferPointer { y in
                        for first in stride(from: items.lowerBound, to: items.upperBound, by: perCall) {
                            let count = min(perCall, items.upperBound - first)
                            for i in 0..<count {
                                for ci in 0..<cin {
                                    (r.baseAddress! + ci * row + i * span + pads.left)
                                        .update(from: x.baseAddress! + ((first + i) * cin + ci) * length, count: length)
                                }
                            }
                            var g = geometry
                            g.columns = (count * span + lanes - 1) / lanes * lanes
                            g.row = row
                            if small {
                                plrp_direct_conv_forward_small(&g, packed, biasRow, r.baseAddress!, y.baseAddress!)
                            } else {
                                plrp_direct_conv_forward(&g, packed, biasRow, r.baseAddress!, y.baseAddress!)
                            }
                            for i in 0..<count { deliver(first + i, y.baseAddress! + i * span, g.columns) }
                        }
                    }
                }
            }
        }
    }

    /// Positions one kernel call aims at (items of up to this many padded positions share a call).
    static let callColumns = 4096
}
