/// Encodes bases as one-hot columns, channel order A, C, G, T, through a 256-entry lookup table. Lower case equals
/// upper case; U counts as T. Characters that are not IUPAC nucleotide codes (or '-', '.', '*' gaps) are invalid.
public struct OneHotEncoder: Sendable {
    public let policy: IUPACPolicy
    /// Per byte: the four channel values.
    private let table: [SIMD4<Float>]
    private let valid: [Bool]
    /// Per byte: the channel of an unambiguous base, `ambiguousChannel` for other valid codes, or `invalidChannel`.
    private let channels: [Int8]
    private static let ambiguousChannel: Int8 = -1
    private static let invalidChannel: Int8 = -2

    public init(policy: IUPACPolicy = .zero) {
        self.policy = policy
        var table = [SIMD4<Float>](repeating: .zero, count: 256)
        var valid = [Bool](repeating: false, count: 256)
        for (letters, bases) in Self.codes {
            var column = SIMD4<Float>.zero
            let ambiguous = bases.count > 1
            if !ambiguous || policy == .fractional {
                for base in bases { column[Self.channel(base)] = 1 / Float(bases.count) }
            }
            for letter in letters.utf8 {
                table[Int(letter)] = column
                valid[Int(letter)] = true
                let lower = Int(Character(UnicodeScalar(letter)).lowercased().utf8.first!)
                table[lower] = column
                valid[lower] = true
            }
        }
        for gap in "-.*".utf8 { valid[Int(gap)] = true }
        self.table = table
        self.valid = valid
        self.channels = (0..<256).map { byte in
            guard valid[byte] else { return Self.invalidChannel }
            let column = table[byte]
            for c in 0..<4 where column[c] == 1 { return Int8(c) }
            return Self.ambiguousChannel
        }
    }

    private static let codes: [(String, String)] = [
        ("A", "A"), ("C", "C"), ("G", "G"), ("TU", "T"),
        ("R", "AG"), ("Y", "CT"), ("S", "CG"), ("W", "AT"), ("K", "GT"), ("M", "AC"),
        ("B", "CGT"), ("D", "AGT"), ("H", "ACT"), ("V", "ACG"), ("N", "ACGT"),
    ]

    private static func channel(_ base: Character) -> Int {
        switch base {
        case "A": 0
        case "C": 1
        case "G": 2
        default: 3
        }
    }

    /// Encodes `count` windows of `length` bases each, stored back to back in `bases`, into `values` as
    /// `[count, 4, length]` float32 (appended). Returns the offset of the first invalid character, or nil.
    @discardableResult
    public func encode(_ bases: [UInt8], count: Int, length: Int, appendingTo values: inout [Float]) -> Int? {
        precondition(bases.count == count * length, "bases must hold count × length bytes")
        let first = values.count
        let total = count * 4 * length
        // Grow without touching each element, then clear with one memset.
        values.reserveCapacity(first + total)
        values.append(contentsOf: repeatElement(0, count: total))
        var invalid: Int? = nil
        bases.withUnsafeBufferPointer { bases in
            values.withUnsafeMutableBufferPointer { all in
                let out = UnsafeMutableBufferPointer(rebasing: all[first..<(first + total)])
                if policy == .zero {
                    invalid = encodeOneHot(bases, count: count, length: length, into: out)
                } else {
                    invalid = encodeColumns(bases, count: count, length: length, into: out)
                }
            }
        }
        return invalid
    }

    /// Pure one-hot: at most one store per base, driven by a byte → channel table.
    private func encodeOneHot(_ bases: UnsafeBufferPointer<UInt8>, count: Int, length: Int,
                              into out: UnsafeMutableBufferPointer<Float>) -> Int? {
        var invalid: Int? = nil
        channels.withUnsafeBufferPointer { channels in
            for w in 0..<count {
                let row = w * 4 * length
                let seq = w * length
                for i in 0..<length {
                    let c = channels[Int(bases[seq + i])]
                    if c >= 0 {
                        out[row + Int(c) * length + i] = 1
                    } else if c == Self.invalidChannel && invalid == nil {
                        invalid = seq + i
                    }
                }
            }
        }
        return invalid
    }

    /// Fractional columns for ambiguity codes.
    private func encodeColumns(_ bases: UnsafeBufferPointer<UInt8>, count: Int, length: Int,
                               into out: UnsafeMutableBufferPointer<Float>) -> Int? {
        var invalid: Int? = nil
        table.withUnsafeBufferPointer { table in
            valid.withUnsafeBufferPointer { valid in
                for w in 0..<count {
                    let row = w * 4 * length
                    let seq = w * length
                    for i in 0..<length {
                        let b = Int(bases[seq + i])
                        if !valid[b] && invalid == nil { invalid = seq + i }
                        let column = table[b]
                        out[row + i] = column[0]
                        out[row + length + i] = column[1]
                        out[row + 2 * length + i] = column[2]
                        out[row + 3 * length + i] = column[3]
                    }
                }
            }
        }
        return invalid
    }
}
