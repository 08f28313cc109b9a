/// A dense float32 array in C order. Activations carry the batch as their first dimension: `[N, C, L]` or `[N, F]`.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "values must fill the shape")
        self.shape = shape
        self.values = values
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor whose values the caller overwrites completely before reading (skips zero-filling).
    public init(overwrittenShape shape: [Int]) {
        self.init(shape: shape, values: [Float](overwritten: shape.reduce(1, *)))
    }

    public var count: Int { values.count }

    /// Elements per batch item.
    public var rowLength: Int { shape.dropFirst().reduce(1, *) }
}

extension Array where Element == Float {
    /// An array of `count` floats whose values the caller overwrites completely before reading.
    init(overwritten count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = count
        }
    }
}

/// Element-wise arithmetic on whole tensors (shapes must match).
extension Tensor {
    public func map(_ f: (Float) -> Float) -> Tensor { Tensor(shape: shape, values: values.map(f)) }

    public func adding(_ other: Tensor) -> Tensor {
        var out = self
        out.values.withUnsafeMutableBufferPointer { o in
            other.values.withUnsafeBufferPointer { p in for i in 0..<o.count { o[i] += p[i] } }
        }
        return out
    }

    /// Adds `other` when there is one (a skipped, exactly-zero term otherwise).
    public func adding(_ other: Tensor?) -> Tensor {
        guard let other else { return self }
        return adding(other)
    }

    public func multiplied(by other: Tensor) -> Tensor {
        var out = self
        out.values.withUnsafeMutableBufferPointer { o in
            other.values.withUnsafeBufferPointer { p in for i in 0..<o.count { o[i] *= p[i] } }
        }
        return out
    }

    public func scaled(_ factor: Float) -> Tensor {
        var out = self
        for i in 0..<count { out.values[i] *= factor }
        return out
    }
}
