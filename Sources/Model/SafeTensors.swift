import Foundation

/// The safetensors container: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
/// and byte range, string metadata under `__metadata__`, then the raw bytes. Every size in the header is checked
/// against the file and against sane limits before anything is allocated from it.
public struct SafeTensors {
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        public let begin: Int
        public let end: Int
    }

    public static let maxHeaderBytes = 100 << 20
    public static let maxDimensions = 8

    public let path: String
    public let metadata: [String: String]
    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError("cannot read model file '\(path)': \(FileManager.default.fileExists(atPath: path) ? "unreadable" : "no such file")")
        }
        try self.init(data: data, path: path)
    }

    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        guard data.count >= 8 else { throw ModelError("'\(path)': not a safetensors file (shorter than 8 bytes)") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw ModelError("'\(path)': header length \(headerLength) does not fit the file (\(data.count) bytes)")
        }
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw ModelError("'\(path)': header length \(headerLength) exceeds the \(Self.maxHeaderBytes)-byte limit")
        }
        dataStart = 8 + Int(headerLength)
        let headerData = data.subdata(in: 8..<dataStart)
        guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
            throw ModelError("'\(path)': header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        let available = data.count - dataStart
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw ModelError("'\(path)': __metadata__ is not an object") }
                for (key, item) in map {
                    guard let text = item as? String else { throw ModelError("'\(path)': __metadata__ value '\(key)' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeValues = info["shape"] as? [Any], let offsets = info["data_offsets"] as? [Any],
                  offsets.count == 2 else {
                throw ModelError("'\(path)': tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard shapeValues.count <= Self.maxDimensions else {
                throw ModelError("'\(path)': tensor '\(name)' has \(shapeValues.count) dimensions (limit \(Self.maxDimensions))")
            }
            let shape = try shapeValues.map { try Self.nonNegative($0, "'\(path)': tensor '\(name)' shape") }
            let begin = try Self.nonNegative(offsets[0], "'\(path)': tensor '\(name)' data_offsets")
            let end = try Self.nonNegative(offsets[1], "'\(path)': tensor '\(name)' data_offsets")
            guard begin <= end, end <= available else {
                throw ModelError("'\(path)': tensor '\(name)' bytes \(begin)..<\(end) do not fit the \(available) bytes of data")
            }
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= available else {
                    throw ModelError("'\(path)': tensor '\(name)' shape \(shape) is larger than the file")
                }
                elements = product
            }
            if let size = Self.elementSize[dtype] {
                guard elements * size == end - begin else {
                    throw ModelError("'\(path)': tensor '\(name)' shape \(shape) (\(dtype)) needs \(elements * size) bytes, data_offsets give \(end - begin)")
                }
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: begin, end: end)
        }
        // Byte ranges must not overlap (the format lays tensors back to back).
        let ranges = entries.values.map { ($0.begin, $0.end) }.filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw ModelError("'\(path)': tensors overlap in the data section")
        }
        self.metadata = metadata
        self.entries = entries
    }

    private static let elementSize: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]

    private static func nonNegative(_ value: Any, _ context: String) throws -> Int {
        guard let exact = JSONValue.integer(value), exact >= 0 else {
            throw ModelError("\(context): not a non-negative integer")
        }
        return exact
    }

    /// The float32 tensor `name`, or nil when the file has no such tensor.
    public func float32(_ name: String) throws -> Tensor? {
        guard let entry = entries[name] else { return nil }
        guard entry.dtype == "F32" else { throw ModelError("'\(path)': tensor '\(name)' is \(entry.dtype); plrp models are float32 (F32)") }
        let count = entry.shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { raw in
            _ = data.copyBytes(to: raw, from: (dataStart + entry.begin)..<(dataStart + entry.end))
        }
        for i in 0..<count { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
        return Tensor(shape: entry.shape, values: values)
    }

    /// Serialises float32 tensors and string metadata; tensors are laid out in name order.
    public static func encode(tensors: [(String, Tensor)], metadata: [String: String]) -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        let sorted = tensors.sorted { $0.0 < $1.0 }
        for (name, tensor) in sorted {
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.count * 4]]
            offset += tensor.count * 4
        }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, tensor) in sorted {
            tensor.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }
}
