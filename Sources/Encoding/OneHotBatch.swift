/// A batch of one-hot windows, `[count, 4, length]` float32, channel order A, C, G, T.
public struct OneHotBatch: Sendable, Equatable {
    public let count: Int
    public let length: Int
    public var values: [Float]

    public init(count: Int, length: Int, values: [Float]) {
        precondition(values.count == count * 4 * length, "values must hold count × 4 × length floats")
        self.count = count
        self.length = length
        self.values = values
    }

    public subscript(window: Int, channel: Int, position: Int) -> Float {
        values[(window * 4 + channel) * length + position]
    }

    /// The reverse complement of every window: channel c at position i becomes channel 3 − c at L − 1 − i
    /// (A↔T, C↔G in A,C,G,T order).
    public func reverseComplemented() -> OneHotBatch {
        var out = [Float](repeating: 0, count: values.count)
        let length = self.length
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for w in 0..<count {
                    for c in 0..<4 {
                        let from = (w * 4 + c) * length
                        let to = (w * 4 + 3 - c) * length + length - 1
                        for i in 0..<length { dst[to - i] = src[from + i] }
                    }
                }
            }
        }
        return OneHotBatch(count: count, length: length, values: out)
    }

    /// Decodes one window back to letters: the channel at 1 (or the largest, if above 0.5) gives the base,
    /// anything else is N. For checks and interop; ambiguity codes do not survive a round trip.
    public func decode(window: Int) -> String {
        var letters = [UInt8](repeating: UInt8(ascii: "N"), count: length)
        let alphabet = Array("ACGT".utf8)
        for i in 0..<length {
            var best = 0
            for c in 1..<4 where self[window, c, i] > self[window, best, i] { best = c }
            if self[window, best, i] > 0.5 { letters[i] = alphabet[best] }
        }
        return String(decoding: letters, as: UTF8.self)
    }
}
