/// 1-D convolution as PyTorch's `Conv1d`: weight `[out, in, kernel]`, optional bias `[out]`. Runs as table look-ups
/// on one-hot input (see `OneHotCodes`), in the direct kernel when the stride is 1 and the output channels are whole
/// blocks of 8 or fewer than 8 (see `forwardDirect`), or else as im2col + one sgemm per chunk of items.
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

    /// Items per chunk of work: side by side as the columns of one sgemm (OpenBLAS packs the weights once per 16
    /// items) or in the padded rows of the direct kernel. Fixed, so that results do not depend on the thread count.
    static let itemsPerChunk = 16

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        if input.shape[1] == 4, input.shape[0] > 0, let codes = OneHotCodes(input) {
            return forward(oneHot: codes, count: input.shape[0], compute: compute)
        }
        if runsDirect || runsDirectSmall { return forwardDirect(input, compute: compute) }
        return forwardAsProduct(input, compute: compute)
    }

    /// The forward pass as im2col + sgemm, whatever the input. Training uses it throughout, so that a model trained
    /// by plrp comes out bit for bit the same as before the one-hot and direct paths existed.
    func forwardAsProduct(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, cin, length) = (input.shape[0], input.shape[1], input.shape[2])
        let cout = spec.outChannels
        let lout = outputLength(for: length)
        var output = Tensor(overwrittenShape: [n, cout, lout])
        guard n > 0 else { return output }
        let rows = cin * spec.kernelSize
        output.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                weight.values.withUnsafeBufferPointer { w in
                    compute.forEachChunk(of: n, chunk: Self.itemsPerChunk) { items in
                        let width = items.count * lout
                        let columns = self.columns(x.baseAddress!, items: items, inputLength: length, outputLength: lout)
                        var result = [Float](overwritten: cout * width)
                        columns.withUnsafeBufferPointer { cols in
                            result.withUnsafeMutableBufferPointer { r in
                                sgemm(transposeA: false, transposeB: false, m: cout, n: width, k: rows,
                                      a: w.baseAddress!, lda: rows, b: cols.baseAddress!, ldb: width,
                                      beta: 0, c: r.baseAddress!, ldc: width)
                            }
                        }
                        let biasValues = bias?.values ?? [Float](repeating: 0, count: cout)
                        result.withUnsafeBufferPointer { r in
                            for (j, item) in items.enumerated() {
                                let y = out.base + item * cout * lout
                                for o in 0..<cout {
                                    let b = biasValues[o]
                                    let from = r.baseAddress! + o * width + j * lout, to = y + o * lout
                                    for t in 0..<lout { to[t] = from[t] + b }
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
                // Output steps whose input position t·stride + offset lies inside [0, length); zeros elsewhere.
                let low = offset >= 0 ? 0 : min(lout, (-offset + stride - 1) / stride)
                let high = max(low, min(lout, length - offset <= 0 ? 0 : (length - offset + stride - 1) / stride))
                if low > 0 { target.update(repeating: 0, count: low) }
                if high < lout { (target + high).update(repeating: 0, count: lout - high) }
                if stride == 1 {
                    if high > low { (target + low).update(from: row + low + offset, count: high - low) }
                } else {
                    for t in low..<high { target[t] = row[t * stride + offset] }
                }
            }
        }
    }
}
