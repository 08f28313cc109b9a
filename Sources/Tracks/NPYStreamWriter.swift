/// Writes one float32 array as a bare `.npy` stream (for `-o -`): the shape must be known before the first row.
public final class NPYStreamWriter {
    private let file: BinaryFile
    private let expected: Int
    private var written = 0

    public init(standardOutputWithShape shape: [Int]) throws {
        file = BinaryFile(standardOutput: ())
        expected = shape.reduce(1, *)
        try file.write(NPYHeader(shape: shape).bytes())
    }

    public func append(_ values: [Float]) throws {
        precondition(written + values.count <= expected, "more values than the declared shape holds")
        try file.write(contentsOf: values)
        written += values.count
    }

    public func finish() throws {
        precondition(written == expected, "fewer values than the declared shape holds")
        try file.flush()
    }
}
