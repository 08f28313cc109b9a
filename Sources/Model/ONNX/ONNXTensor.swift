import Foundation

/// Reading ONNX tensors and node attributes.
enum ONNXTensor {
    /// The most elements one initializer may declare (1 GiB of float32).
    static let maxElements = 1 << 28

    /// The element count of `t`'s shape, refusing negative dimensions and counts beyond `maxElements`.
    static func elementCount(_ t: Onnx_TensorProto, what: String) throws -> Int {
        // Declared sizes are untrusted: refuse products that overflow or exceed what any sequence model needs.
        var count = 1
        for dimension in t.dims {
            guard dimension >= 0 else { throw ModelError("\(what) has a negative dimension") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dimension))
            guard !overflow, product <= Self.maxElements else {
                throw ModelError("\(what) declares shape \(t.dims), beyond the \(Self.maxElements)-element limit")
            }
            count = product
        }
        return count
    }

    /// Bytes per element of the types plrp reads from raw data (FLOAT, INT32, INT64, DOUBLE); nil for others.
    static func elementSize(_ dataType: Int32) -> Int? {
        switch dataType {
        case 1, 6: 4
        case 7, 11: 8
        default: nil
        }
    }

    /// A FLOAT (or DOUBLE) initializer as a float32 tensor; nil for other types.
    static func float(_ t: Onnx_TensorProto) throws -> Tensor? {
        let shape = t.dims.map { Int($0) }
        let count = try elementCount(t, what: "initializer '\(t.name)'")
        var values: [Float]
        switch t.dataType {
        case 1:  // FLOAT
            if !t.rawData.isEmpty {
                guard t.rawData.count == count * 4 else { throw ModelError("initializer '\(t.name)': \(t.rawData.count) bytes for \(count) floats") }
                values = [Float](repeating: 0, count: count)
                values.withUnsafeMutableBytes { _ = t.rawData.copyBytes(to: $0) }
                values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            } else {
                values = t.floatData
            }
        case 11:  // DOUBLE
            if !t.rawData.isEmpty {
                guard t.rawData.count == count * 8 else { throw ModelError("initializer '\(t.name)': \(t.rawData.count) bytes for \(count) doubles") }
                let bytes = [UInt8](t.rawData)
                values = stride(from: 0, to: bytes.count, by: 8).map { Float(Double(bitPattern: littleEndianWord(bytes, at: $0))) }
            } else {
                values = t.doubleData.map { Float($0) }
            }
        default:
            return nil
        }
        guard values.count == count else { throw ModelError("initializer '\(t.name)' holds \(values.count) values for shape \(shape)") }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ModelError("initializer '\(t.name)' holds a non-finite value at element \(bad)")
        }
        return Tensor(shape: shape, values: values)
    }

    /// An INT64 or INT32 tensor's values (shapes, axes), or nil for other types or a count that does not fit its shape.
    static func integers(_ t: Onnx_TensorProto) -> [Int]? {
        let values: [Int]
        switch t.dataType {
        case 7:
            if !t.rawData.isEmpty {
                let bytes = [UInt8](t.rawData)
                guard bytes.count % 8 == 0 else { return nil }
                values = stride(from: 0, to: bytes.count, by: 8).map { Int(Int64(bitPattern: littleEndianWord(bytes, at: $0))) }
            } else {
                values = t.int64Data.map { Int($0) }
            }
        case 6:
            if !t.rawData.isEmpty {
                let bytes = [UInt8](t.rawData)
                guard bytes.count % 4 == 0 else { return nil }
                values = stride(from: 0, to: bytes.count, by: 4).map { offset in
                    var word: UInt32 = 0
                    for k in 0..<4 { word |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
                    return Int(Int32(bitPattern: word))
                }
            } else {
                values = t.int32Data.map { Int($0) }
            }
        default:
            return nil
        }
        guard let count = try? elementCount(t, what: ""), count == values.count else { return nil }
        return values
    }

    private static func littleEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        return value
    }

    /// A 2-D tensor transposed.
    static func transposed(_ t: Tensor) -> Tensor {
        guard t.shape.count == 2 else { return t }
        let (rows, columns) = (t.shape[0], t.shape[1])
        var values = [Float](repeating: 0, count: t.count)
        for r in 0..<rows { for c in 0..<columns { values[c * rows + r] = t.values[r * columns + c] } }
        return Tensor(shape: [columns, rows], values: values)
    }
}

/// Tensors whose bytes live in a file beside the model (`data_location` EXTERNAL, as the torch.export-based exporter
/// writes them): `location` is a path relative to the model's folder, `offset` and `length` a byte range in it.
struct ONNXExternalData {
    /// The folder the model file lies in; nil when the model came from memory alone, which refuses external data.
    let folder: String?

    /// `t` with its external bytes read into `rawData`; `t` itself when it holds its data inline. `what` names the
    /// tensor in messages (`initializer 'conv.weight'`).
    func resolved(_ t: Onnx_TensorProto, what: String) throws -> Onnx_TensorProto {
        guard t.dataLocation == .external else { return t }
        var keys: [String: String] = [:]
        for entry in t.externalData where keys[entry.key] == nil { keys[entry.key] = entry.value }
        guard let location = keys["location"], !location.isEmpty else {
            throw ModelError("\(what): external data without a 'location'")
        }
        let place = "\(what): external data '\(location)'"
        guard let folder else {
            throw ModelError("\(place): the model was read from memory, so there is no folder to find its data in")
        }
        guard !location.hasPrefix("/") else {
            throw ModelError("\(place) is an absolute path; it must be relative to the model's folder")
        }
        guard !location.split(separator: "/", omittingEmptySubsequences: false).contains("..") else {
            throw ModelError("\(place) leaves the model's folder ('..')")
        }
        guard !location.contains("\0") else { throw ModelError("\(place) is not a valid path") }
        func number(_ key: String) throws -> Int? {
            guard let text = keys[key] else { return nil }
            guard let value = Int(text), value >= 0 else { throw ModelError("\(place): '\(key)' is '\(text)', not a byte count") }
            return value
        }
        let offset = try number("offset") ?? 0
        let declared = try number("length")
        guard let size = ONNXTensor.elementSize(t.dataType) else {
            throw ModelError("\(what): external data of ONNX type \(t.dataType) is not supported (float32, float64, int32 or int64)")
        }
        let needed = try ONNXTensor.elementCount(t, what: what) * size
        if let declared, declared != needed {
            throw ModelError("\(place): length \(declared) bytes, but shape \(t.dims) needs \(needed)")
        }
        let path = (folder.isEmpty ? "." : folder) + "/" + location
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ModelError("\(place): no such file beside the model (\(path))")
        }
        let fileSize = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        let (end, overflow) = offset.addingReportingOverflow(needed)
        guard !overflow, end <= fileSize else {
            throw ModelError("\(place) has \(fileSize) bytes, fewer than offset \(offset) + length \(needed)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ModelError("\(place): cannot open \(path)") }
        defer { try? handle.close() }
        let bytes: Data
        do {
            try handle.seek(toOffset: UInt64(offset))
            bytes = try handle.read(upToCount: needed) ?? Data()
        } catch {
            throw ModelError("\(place): cannot read \(path)")
        }
        guard bytes.count == needed else {
            throw ModelError("\(place) has \(offset + bytes.count) bytes, fewer than offset \(offset) + length \(needed)")
        }
        var inline = t
        inline.clearDataLocation()
        inline.externalData = []
        inline.rawData = bytes
        return inline
    }
}

/// A node's attributes by name.
struct ONNXAttributes {
    private let byName: [String: Onnx_AttributeProto]

    init(_ node: Onnx_NodeProto) {
        byName = Dictionary(node.attribute.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func has(_ name: String) -> Bool { byName[name] != nil }
    func int(_ name: String) -> Int? { byName[name].map { Int($0.i) } }
    func float(_ name: String) -> Float? { byName[name].map { $0.f } }
    func ints(_ name: String) -> [Int]? { byName[name].map { $0.ints.map { Int($0) } } }
    func floats(_ name: String) -> [Float]? { byName[name].map { $0.floats } }
    func string(_ name: String) -> String? { byName[name].map { String(decoding: $0.s, as: UTF8.self) } }
    func tensor(_ name: String) -> Onnx_TensorProto? { byName[name].map { $0.t } }
}
