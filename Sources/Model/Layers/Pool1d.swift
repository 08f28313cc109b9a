import CKernels

/// Max or average pooling over windows of `kernel_size` every `stride` positions, no padding (PyTorch defaults).
public struct Pool1d: Layer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition(spec.kind == .maxpool1d || spec.kind == .avgpool1d)
        self.spec = spec
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let (channels, length) = try channelsAndLength(input, spec)
        guard length >= spec.kernelSize else {
            throw ModelError("layer \(spec.kind.rawValue): input length \(length) is shorter than kernel_size \(spec.kernelSize)")
        }
        return [channels, (length - spec.kernelSize) / spec.stride + 1]
    }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, channels, length) = (input.shape[0], input.shape[1], input.shape[2])
        let k = spec.kernelSize, stride = spec.stride
        let lout = (length - k) / stride + 1
        var output = Tensor(overwrittenShape: [n, channels, lout])
        let isMax = spec.kind == .maxpool1d
        input.values.withUnsafeBufferPointer { xb in
            output.values.withSharedMutablePointer { shared in
              compute.forEachChunk(of: n, chunk: 8) { items in
                let x = xb.baseAddress!, y = shared.base
                if isMax && k == 4 && stride == 4 {
                    // The common DNA-CNN pooling, through SIMD shuffles (a strided loop does not vectorise).
                    plrp_max_pool4(x + items.lowerBound * channels * length, items.count * channels, length,
                                   y + items.lowerBound * channels * lout)
                    return
                }
                for row in (items.lowerBound * channels)..<(items.upperBound * channels) {
                    let src = x + row * length, dst = y + row * lout
                    for t in 0..<lout {
                        let start = src + t * stride
                        if isMax {
                            if k == 4 {
                                dst[t] = max(max(start[0], start[1]), max(start[2], start[3]))
                            } else {
                                var best = start[0]
                                for j in 1..<k { best = max(best, start[j]) }
                                dst[t] = best
                            }
                        } else {
                            var sum: Float = 0
                            for j in 0..<k { sum += start[j] }
                            dst[t] = sum / Float(k)
                        }
                    }
                }
              }
            }
        }
        return output
    }

    /// For max pooling: the input position (within the row) that wins output `t`; ties go to the first.
    @inlinable
    public func winner(in row: UnsafeBufferPointer<Float>, offset: Int, output t: Int) -> Int {
        let start = offset + t * spec.stride
        // Selects rather than branches: which input wins is unpredictable.
        var best = 0, top = row[start]
        for j in 1..<spec.kernelSize {
            let v = row[start + j], greater = v > top
            best = greater ? j : best
            top = greater ? v : top
        }
        return t * spec.stride + best
    }
}

/// Max or mean over the whole length: `[C, L]` → `[C]`.
public struct GlobalPool: Layer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition(spec.kind == .globalMaxPool || spec.kind == .globalAvgPool)
        self.spec = spec
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let (channels, _) = try channelsAndLength(input, spec)
        return [channels]
    }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, channels, length) = (input.shape[0], input.shape[1], input.shape[2])
        var output = Tensor(zeros: [n, channels])
        let isMax = spec.kind == .globalMaxPool
        input.values.withUnsafeBufferPointer { x in
            for row in 0..<(n * channels) {
                let src = row * length
                if isMax {
                    var best = x[src]
                    for t in 1..<length where x[src + t] > best { best = x[src + t] }
                    output.values[row] = best
                } else {
                    var sum: Float = 0
                    for t in 0..<length { sum += x[src + t] }
                    output.values[row] = sum / Float(length)
                }
            }
        }
        return output
    }
}

/// `torch.flatten` of `[N, C, L]` from dimension 1: channel-major, which is the memory order already.
public struct Flatten: Layer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) { self.spec = spec }

    public func outputShape(for input: [Int]) throws -> [Int] { [input.reduce(1, *)] }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        Tensor(shape: [input.shape[0], input.rowLength], values: input.values)
    }
}
