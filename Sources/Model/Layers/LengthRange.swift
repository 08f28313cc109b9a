/// Positions `start..<end` of the length axis: kept as they are (crop), averaged (mean) or added up (sum).
/// `[C, L]` → `[C, end − start]` for crop, `[C]` for mean and sum.
public struct LengthRange: Layer {
    public let spec: LayerSpec

    public init(spec: LayerSpec) {
        precondition([.crop, .mean, .sum].contains(spec.kind))
        self.spec = spec
    }

    /// The range in an input of `length` positions.
    public func range(length: Int) -> Range<Int> { spec.start..<(spec.end ?? length) }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 2 else { throw ModelError("\(spec.nodeLabel) needs a [channels, length] input, got \(input)") }
        let end = spec.end ?? input[1]
        guard spec.start < end, end <= input[1] else {
            throw ModelError("\(spec.nodeLabel): positions \(spec.start)..<\(end) do not lie in an input of length \(input[1])")
        }
        return spec.kind == .crop ? [input[0], end - spec.start] : [input[0]]
    }

    public func forward(_ input: Tensor, compute: Compute) -> Tensor {
        let (n, channels, length) = (input.shape[0], input.shape[1], input.shape[2])
        let kept = range(length: length)
        let width = kept.count
        var output = Tensor(overwrittenShape: spec.kind == .crop ? [n, channels, width] : [n, channels])
        input.values.withUnsafeBufferPointer { x in
            output.values.withUnsafeMutableBufferPointer { y in
                for row in 0..<(n * channels) {
                    let source = x.baseAddress! + row * length + kept.lowerBound
                    switch spec.kind {
                    case .crop:
                        (y.baseAddress! + row * width).update(from: source, count: width)
                    default:
                        var total: Float = 0
                        for t in 0..<width { total += source[t] }
                        y[row] = spec.kind == .mean ? total / Float(width) : total
                    }
                }
            }
        }
        return output
    }

    /// The weight each kept position has in the output: 1 for crop and sum, 1/width for mean.
    public func weight(length: Int) -> Float { spec.kind == .mean ? 1 / Float(range(length: length).count) : 1 }

    /// Spreads `g` (`[N, C, width]` or `[N, C]`) back over the input positions, times `weight`; zeros outside the range.
    public func spread(_ g: Tensor, inputShape: [Int]) -> Tensor {
        let (n, channels, length) = (inputShape[0], inputShape[1], inputShape[2])
        let kept = range(length: length), w = weight(length: length)
        var out = Tensor(zeros: inputShape)
        out.values.withUnsafeMutableBufferPointer { o in
            g.values.withUnsafeBufferPointer { gb in
                for row in 0..<(n * channels) {
                    let target = o.baseAddress! + row * length + kept.lowerBound
                    if spec.kind == .crop {
                        target.update(from: gb.baseAddress! + row * kept.count, count: kept.count)
                    } else {
                        for t in 0..<kept.count { target[t] = gb[row] * w }
                    }
                }
            }
        }
        return out
    }
}
