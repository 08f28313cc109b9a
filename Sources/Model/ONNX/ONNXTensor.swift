import Foundation

/// Reading ONNX tensors and node attributes.
enum ONNXTensor {
    /// The most elements one initializer may declare (1 GiB of float32).
    static let maxElements = 1 << 28

    /// A FLOAT (or DOUBLE) initializer as a float32 tensor; nil for other types.
    static func float(_ t: Onnx_TensorProto) throws -> Tensor? {
        let shape = t.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ModelError("initializer '\(t.name)' has a negative dimension") }
        // Declared sizes are untrusted: refuse products that overflow or exceed what any sequence model needs.
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Self.maxElements else {
                throw ModelError("initializer '\(t.name)' declares shape \(shape), beyond the \(Self.maxElements)-element limit")
            }
            count = product
        }
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
            values = t.doubleData.map { Float($0) }
        default:
            return nil
        }
        guard values.count == count else { throw ModelError("initializer '\(t.name)' holds \(values.count) values for shape \(shape)") }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ModelError("initializer '\(t.name)' holds a non-finite value at element \(bad)")
        }
        return Tensor(shape: shape, values: values)
    }

    /// An INT64 or INT32 tensor's values (shapes, axes), or nil.
    static func integers(_ t: Onnx_TensorProto) -> [Int]? {
        switch t.dataType {
        case 7:
            if !t.rawData.isEmpty {
                let bytes = [UInt8](t.rawData)
                return stride(from: 0, to: bytes.count / 8 * 8, by: 8).map { offset in
                    var value: UInt64 = 0
                    for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
                    return Int(Int64(bitPattern: value))
                }
            }
            return t.int64Data.map { Int($0) }
        case 6:
            return t.int32Data.map { Int($0) }
        default:
            return nil
        }
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

/// A node's attributes by name.
struct ONNXAttributes {
    private let byName: [String: Onnx_AttributeProto]

    init(_ node: Onnx_NodeProto) {
        byName = Dictionary(node.attribute.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func int(_ name: String) -> Int? { byName[name].map { Int($0.i) } }
    func float(_ name: String) -> Float? { byName[name].map { $0.f } }
    func ints(_ name: String) -> [Int]? { byName[name].map { $0.ints.map { Int($0) } } }
    func string(_ name: String) -> String? { byName[name].map { String(decoding: $0.s, as: UTF8.self) } }
    func tensor(_ name: String) -> Onnx_TensorProto? { byName[name].map { $0.t } }
}
