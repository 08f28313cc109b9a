/// The header of a NumPy `.npy` file (format 1.0) for a C-order little-endian float32 array. Its length is fixed by
/// the number of dimensions, not their values, so a header written before the leading dimension is known can be
/// rewritten in place once it is.
struct NPYHeader {
    let shape: [Int]

    /// Magic, version, header length and the padded dictionary; always a multiple of 64 bytes.
    func bytes() -> [UInt8] {
        let dims = shape.map { String($0) }.joined(separator: ", ")
        let shapeText = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let fixed = 10 + 1  // preamble and the closing newline
        // Room for every dimension to reach 20 digits, so that patching never changes the length.
        let reserve = shape.count * 20 + 8
        let unpadded = fixed + dictionary.utf8.count
        var total = ((fixed + dictionaryTemplateLength + reserve + 63) / 64) * 64
        if total < unpadded { total = ((unpadded + 63) / 64) * 64 }
        dictionary += String(repeating: " ", count: total - unpadded) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        out.appendLittleEndian(UInt16(total - 10))
        out.append(contentsOf: dictionary.utf8)
        return out
    }

    private var dictionaryTemplateLength: Int {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (), }".utf8.count
    }

    /// Parses a header produced by any NumPy writer for a little-endian float32 C-order array.
    static func parse(_ file: BinaryFile) throws -> NPYHeader {
        let preamble = try file.read(count: 10)
        guard preamble[0] == 0x93, Array(preamble[1...5]) == Array("NUMPY".utf8) else {
            throw TracksError("'\(file.path)': not a .npy array")
        }
        let length: Int
        switch preamble[6] {
        case 1:
            length = Int(preamble[8]) | Int(preamble[9]) << 8
        case 2, 3:
            let more = try file.read(count: 2)
            length = Int(preamble[8]) | Int(preamble[9]) << 8 | Int(more[0]) << 16 | Int(more[1]) << 24
        default:
            throw TracksError("'\(file.path)': unsupported .npy version \(preamble[6])")
        }
        let text = String(decoding: try file.read(count: length), as: UTF8.self)
        guard text.contains("'descr': '<f4'"), text.contains("'fortran_order': False"),
              let open = text.range(of: "'shape': ("), let close = text[open.upperBound...].firstIndex(of: ")") else {
            throw TracksError("'\(file.path)': only little-endian float32 C-order arrays are supported")
        }
        let dims = text[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        return NPYHeader(shape: dims)
    }
}

import Foundation
