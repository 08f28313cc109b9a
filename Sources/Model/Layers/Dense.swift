/// A fully connected layer as PyTorch's `Linear`: weight `[out, in]`, optional bias `[out]`.
public struct Dense: Layer {
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

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 1 else {
            throw ModelError("layer \"\(spec.name)\" (dense) needs a flat input, got \(input): add a flatten or global pooling layer before it")
        }
        guard input[0] == spec.inFeatures else {
            throw ModelError("layer \"\(spec.name)\" (dense) expects \(spec.inFeatures) input features, gets \(input[0])")
        }
        return [spec.outFeatures]
    }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let n = input.shape[0], fin = spec.inFeatures, fout = spec.outFeatures
        var output = Tensor(zeros: [n, fout])
        guard n > 0 else { return output }
        output.values.withSharedMutablePointer { out in
            input.values.withUnsafeBufferPointer { x in
                weight.values.withUnsafeBufferPointer { w in
                    compute.forEachChunk(of: n, chunk: 32) { items in
                        sgemm(transposeA: false, transposeB: true, m: items.count, n: fout, k: fin,
                              a: x.baseAddress! + items.lowerBound * fin, lda: fin, b: w.baseAddress!, ldb: fin,
                              beta: 0, c: out.base + items.lowerBound * fout, ldc: fout)
                        if let bias {
                            for item in items {
                                for o in 0..<fout { out.base[item * fout + o] += bias.values[o] }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
