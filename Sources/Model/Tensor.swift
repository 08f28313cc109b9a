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
