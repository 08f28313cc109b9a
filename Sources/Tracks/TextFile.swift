/// A text output written in large buffered blocks (BED, TSV, JSON).
public final class TextFile {
    private let file: BinaryFile
    private var buffer: [UInt8] = []

    public init(path: String) throws {
        file = try BinaryFile(writingTo: path)
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes to the staging path of `output`, or to standard output for `-`.
    public convenience init(_ output: OutputFile) throws {
        if let staging = output.stagingPath {
            try self.init(path: staging)
        } else {
            self.init(standardOutput: ())
        }
    }

    private init(standardOutput: Void) {
        file = BinaryFile(standardOutput: ())
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try drain() }
    }

    /// Writes bytes as they are (text copied from another file).
    public func write(bytes: ArraySlice<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try drain() }
    }

    public func close() throws {
        try drain()
        try file.flush()
    }

    private func drain() throws {
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `text` as the whole file at `path`.
    public static func write(_ text: String, to path: String) throws {
        let file = try TextFile(path: path)
        try file.write(text)
        try file.close()
    }
}
