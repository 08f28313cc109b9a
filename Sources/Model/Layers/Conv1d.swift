/// 1-D convolution as PyTorch's `Conv1d`: weight `[out, in, kernel]`, optional bias `[out]`. Runs as im2col + sgemm
/// per batch item.
public struct Conv1d: Layer {
    public let spec: LayerSpec
    public var weight: Tensor
    public var bias: Tensor?

    public init(spec: LayerSpec, weight: Tensor, bias: Tensor?) {
        self.spec = spec
        self.weight = weight
        self.bias = bias
    }

    public var parameters: [(suffix: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Zeros added before and after the input.
    public var padding: (left: Int, right: Int) {
        switch spec.padding {
        case .valid: return (0, 0)
        case .explicit(let amount): return (amount, amount)
        case .same:
            let total = spec.dilation * (spec.kernelSize - 1)
            return (total / 2, total - total / 2)
        }
    }

    public func outputLength(for length: Int) -> Int {
        let span = spec.dilation * (spec.kernelSize - 1) + 1
        let padded = length + padding.left + padding.right
        return padded < span ? 0 : (padded - span) / spec.stride + 1
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let (channels, length) = try channelsAndLength(input, spec)
        guard channels == spec.inChannels else {
            throw ModelError("layer \"\(spec.name)\" (conv1d) expects \(spec.inChannels) input channels, gets \(channels)")
        }
        let out = outputLength(for: length)
        guard out > 0 else {
            throw ModelError("layer \"\(spec.name)\" (conv1d): input length \(length) is shorter than the kernel span")
        }
        return [spec.outChannels, out]
    }

    /// Items per GEMM: their columns sit side by side so that one sgemm covers the chunk. Fixed, so that results
    /// do not depend on the thread count.
    static let itemsPerChunk = 8

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let cout = spec.outChannels
        let lout = outputLength(for: length)
        var output = Tensor(zeros: [n, cout, lout])
        guard n > 0 else { return output }
        let rows = cin * spec.kernelSize
        let transposedWeight = cin == 4 ? oneHotWeight() : []
        output.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                weight.values.withUnsafeBufferPointer { w in
                    compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                        let m = items.count
                        if cin == 4, Self.isOneHot(x, items: items, itemLength: cin * length) {
                            for item in items {
                                forwardOneHot(x.baseAddress! + item * 4 * length, length: length, outputLength: lout,
                                              weight: transposedWeight, into: out.base + item * cout * lout)
                            }
                            return
                        }
                        let width = m * lout
                        var columns = [Float](repeating: 0, count: rows * width)
                        var result = [Float](repeating: 0, count: cout * width)
                        columns.withUnsafeMutableBufferPointer { cols in
                            for (j, item) in items.enumerated() {
                                im2col(x.baseAddress! + item * cin * length, channels: cin, length: length,
                                       outputLength: lout, into: cols.baseAddress! + j * lout, rowStride: width)
                            }
                        }
                        columns.withUnsafeBufferPointer { cols in
                            result.withUnsafeMutableBufferPointer { r in
                                sgemm(transposeA: false, transposeB: false, m: cout, n: width, k: rows,
                                      a: w.baseAddress!, lda: rows, b: cols.baseAddress!, ldb: width,
                                      beta: 0, c: r.baseAddress!, ldc: width)
                            }
                        }
                        for (j, item) in items.enumerated() {
                            let y = out.base + item * cout * lout
                            for o in 0..<cout {
                                let b = bias?.values[o] ?? 0
                                let from = o * width + j * lout
                                for t in 0..<lout { y[o * lout + t] = result[from + t] + b }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Whether every column of these items is a unit vector or all zero, so the convolution is a sum of weight
    /// columns picked by base and needs no multiplications.
    static func isOneHot(_ x: UnsafeBufferPointer<Float>, items: Range<Int>, itemLength: Int) -> Bool {
        let length = itemLength / 4
        for item in items {
            let base = item * itemLength
            for t in 0..<length {
                var sum: Float = 0
                for c in 0..<4 {
                    let v = x[base + c * length + t]
                    if v != 0 && v != 1 { return false }
                    sum += v
                }
                if sum > 1 { return false }
            }
        }
        return true
    }

    /// Weights as `[kernel][base][out]`, so that one base at one kernel offset adds a contiguous run of outputs.
    func oneHotWeight() -> [Float] {
        let cout = spec.outChannels, k = spec.kernelSize
        var t = [Float](repeating: 0, count: k * 4 * cout)
        for o in 0..<cout { for c in 0..<4 { for j in 0..<k { t[(j * 4 + c) * cout + o] = weight.values[(o * 4 + c) * k + j] } } }
        return t
    }

    /// One item of one-hot input: y[o, t] = b[o] + Σⱼ W[o, base(t·stride + j·dilation − padLeft), j].
    func forwardOneHot(_ x: UnsafePointer<Float>, length: Int, outputLength lout: Int, weight t: [Float],
                       into y: UnsafeMutablePointer<Float>) {
        let cout = spec.outChannels, k = spec.kernelSize, stride = spec.stride, dilation = spec.dilation, left = padding.left
        var bases = [Int](repeating: -1, count: length)
        for position in 0..<length {
            for c in 0..<4 where x[c * length + position] == 1 { bases[position] = c }
        }
        var accumulator = [Float](repeating: 0, count: lout * cout)
        t.withUnsafeBufferPointer { t in
            accumulator.withUnsafeMutableBufferPointer { acc in
                for step in 0..<lout {
                    let row = acc.baseAddress! + step * cout
                    if let bias { for o in 0..<cout { row[o] = bias.values[o] } }
                    for j in 0..<k {
                        let position = step * stride + j * dilation - left
                        guard position >= 0, position < length else { continue }
                        let c = bases[position]
                        guard c >= 0 else { continue }
                        let column = t.baseAddress! + (j * 4 + c) * cout
                        for o in 0..<cout { row[o] += column[o] }
                    }
                }
                for o in 0..<cout { for step in 0..<lout { y[o * lout + step] = acc[step * cout + o] } }
            }
        }
    }

    /// Lays out the receptive field of every output position as a column: row `ci·K + j`, column `t` holds
    /// `x[ci, t·stride + j·dilation − padLeft]` (0 outside the input).
    func im2col(_ x: UnsafePointer<Float>, channels: Int, length: Int, outputLength lout: Int,
                into columns: inout [Float]) {
        columns.withUnsafeMutableBufferPointer { cols in
            im2col(x, channels: channels, length: length, outputLength: lout, into: cols.baseAddress!, rowStride: lout)
        }
    }

    /// The same, writing row r at `columns + r·rowStride` (to place several items side by side).
    func im2col(_ x: UnsafePointer<Float>, channels: Int, length: Int, outputLength lout: Int,
                into columns: UnsafeMutablePointer<Float>, rowStride: Int) {
        let k = spec.kernelSize, stride = spec.stride, dilation = spec.dilation, left = padding.left
        for ci in 0..<channels {
            let row = x + ci * length
            for j in 0..<k {
                let target = columns + (ci * k + j) * rowStride
                let offset = j * dilation - left
                if stride == 1 && offset >= 0 && offset + lout <= length {
                    target.update(from: row + offset, count: lout)
                    continue
                }
                for t in 0..<lout {
                    let position = t * stride + offset
                    target[t] = position >= 0 && position < length ? row[position] : 0
                }
            }
        }
    }
}
