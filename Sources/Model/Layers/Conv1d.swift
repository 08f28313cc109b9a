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

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let cout = spec.outChannels, k = spec.kernelSize
        let lout = outputLength(for: length)
        var output = Tensor(zeros: [n, cout, lout])
        guard n > 0 else { return output }
        let rows = cin * k
        output.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                weight.values.withUnsafeBufferPointer { w in
                    compute.forEachChunk(of: n, chunk: 4) { items in
                        var columns = [Float](repeating: 0, count: rows * lout)
                        for item in items {
                            im2col(x.baseAddress! + item * cin * length, channels: cin, length: length,
                                   outputLength: lout, into: &columns)
                            columns.withUnsafeBufferPointer { cols in
                                sgemm(transposeA: false, transposeB: false, m: cout, n: lout, k: rows,
                                      a: w.baseAddress!, lda: rows, b: cols.baseAddress!, ldb: lout,
                                      beta: 0, c: out.base + item * cout * lout, ldc: lout)
                            }
                            if let bias {
                                let y = out.base + item * cout * lout
                                for o in 0..<cout {
                                    let b = bias.values[o]
                                    for t in 0..<lout { y[o * lout + t] += b }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Lays out the receptive field of every output position as a column: row `ci·K + j`, column `t` holds
    /// `x[ci, t·stride + j·dilation − padLeft]` (0 outside the input).
    func im2col(_ x: UnsafePointer<Float>, channels: Int, length: Int, outputLength lout: Int,
                into columns: inout [Float]) {
        let k = spec.kernelSize, stride = spec.stride, dilation = spec.dilation, left = padding.left
        columns.withUnsafeMutableBufferPointer { cols in
            for ci in 0..<channels {
                let row = x + ci * length
                for j in 0..<k {
                    let target = cols.baseAddress! + (ci * k + j) * lout
                    let offset = j * dilation - left
                    for t in 0..<lout {
                        let position = t * stride + offset
                        target[t] = position >= 0 && position < length ? row[position] : 0
                    }
                }
            }
        }
    }
}
